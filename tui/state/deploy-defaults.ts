/** What a deploy started from the TUI takes from the app's config: its branch, and its test gate where it has one. */
import type { TuiSession } from '../session.js';
import type { DeployDefaults } from './effects.js';

export function deployDefaultsOf(apps: TuiSession['apps'], app: string): DeployDefaults {
  const configured = apps?.[app];
  return {
    ref: configured?.branch ?? 'main',
    tests: configured?.checkout && configured.testCommand ? { command: configured.testCommand, checkout: configured.checkout } : undefined,
  };
}
