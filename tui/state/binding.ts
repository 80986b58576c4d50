/** One row of the binding table (key-bindings.ts): keys, where they work, what they ask for. */
import type { Intent, ScreenMode } from './key-intent.js';
import type { ScreenName } from './ui-state.js';

export interface Binding {
  keys: string[];
  /** Short, for the footer. */
  label: string;
  /** Longer, for the help overlay. */
  help: string;
  intent: Intent;
  screens: ScreenName[] | 'all';
  modes?: ScreenMode[];
  /** Changes a server: hidden (and refused) in a read-only session. */
  changes?: boolean;
  /** Movement: in the help, not in the footer. */
  nav?: boolean;
}
