/**
 * The keys of the incidents screen (part of the one binding table, key-bindings.ts):
 * ! opens it anywhere; there, mute the selected incident's app or rule (asks how long,
 * then y/N), unmute it, send a test to every channel (y/N).
 */
import type { Binding } from './binding.js';

export const ALERT_BINDINGS: Binding[] = [
  {
    keys: ['!'],
    label: 'incidents',
    help: 'incidents: open and resolved, the alert channels (:incidents)',
    intent: { type: 'screen', screen: 'incidents' },
    screens: 'all',
  },
  {
    keys: ['m'],
    label: 'mute',
    help: "mute the selected incident's app (or its rule when it has none): asks how long (2h, 30m, 1d), then y/N",
    intent: { type: 'mute' },
    screens: ['incidents'],
    changes: true,
  },
  {
    keys: ['u'],
    label: 'unmute',
    help: 'unmute what holds the selected incident (or the selected mute) back: its alerts are sent again',
    intent: { type: 'unmute' },
    screens: ['incidents'],
    changes: true,
  },
  {
    keys: ['t'],
    label: 'test',
    help: 'send a test alert to every channel (asks first); the result of each shows below',
    intent: { type: 'alert-test' },
    screens: ['incidents'],
    changes: true,
  },
];
