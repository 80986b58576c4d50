/**
 * The overview's keys for one app beyond start and stop (part of the one binding
 * table, key-bindings.ts): its Rails console in this terminal, its maintenance mode.
 */
import type { Binding } from './binding.js';

export const APP_BINDINGS: Binding[] = [
  {
    keys: ['c'],
    label: 'console',
    help: "the selected app's Rails console, in this terminal (Ctrl-D or exit comes back here); audited",
    intent: { type: 'console' },
    screens: ['overview'],
    changes: true,
  },
  {
    keys: ['M'],
    label: 'maintenance',
    help: 'maintenance on (asks for the 503 page’s message, then y/N) or off (y/N) for the selected app',
    intent: { type: 'maintenance' },
    screens: ['overview'],
    changes: true,
  },
];
