/**
 * Every key, in k9s grammar: one table that the key handler, the footer and the
 * help overlay all read, so what is shown is what works.
 */
import { BACKUP_BINDINGS } from './backup-bindings.js';
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

export const BINDINGS: Binding[] = [
  { keys: ['?'], label: 'help', help: 'this help: every key', intent: { type: 'help' }, screens: 'all' },
  {
    keys: [':'],
    label: 'cmd',
    help: 'command palette: :logs cigar, :restart tobacco, :server prod, :configs, :q (tab completes)',
    intent: { type: 'palette' },
    screens: 'all',
  },
  {
    keys: ['/'],
    label: 'filter',
    help: 'filter by regular expression; /!text hides what matches',
    intent: { type: 'filter' },
    screens: 'all',
  },
  {
    keys: ['esc'],
    label: 'back',
    help: 'back: close, clear the filter, or return to the previous screen',
    intent: { type: 'back' },
    screens: 'all',
  },
  { keys: ['q', 'ctrl+c'], label: 'quit', help: 'quit hms', intent: { type: 'quit' }, screens: 'all' },
  {
    keys: ['D'],
    label: 'deploys',
    help: 'deploys: each app with its release and lock (:deploys)',
    intent: { type: 'screen', screen: 'deploys' },
    screens: 'all',
  },
  {
    keys: ['A'],
    label: 'agent',
    help: 'the agent: its releases and self-update (:agent)',
    intent: { type: 'screen', screen: 'agent' },
    screens: 'all',
  },
  {
    keys: ['up', 'k'],
    label: 'up',
    help: 'move up (logs: scroll back, pauses)',
    intent: { type: 'move', delta: -1 },
    screens: 'all',
    nav: true,
  },
  { keys: ['down', 'j'], label: 'down', help: 'move down', intent: { type: 'move', delta: 1 }, screens: 'all', nav: true },
  { keys: ['pageup', 'ctrl+b'], label: 'pgup', help: 'a page up', intent: { type: 'page', delta: -1 }, screens: 'all', nav: true },
  { keys: ['pagedown', 'ctrl+f'], label: 'pgdn', help: 'a page down', intent: { type: 'page', delta: 1 }, screens: 'all', nav: true },
  { keys: ['g', 'home'], label: 'top', help: 'to the top', intent: { type: 'top' }, screens: 'all', nav: true },
  { keys: ['G', 'end'], label: 'end', help: 'to the end (logs: follow again)', intent: { type: 'bottom' }, screens: 'all', nav: true },
  { keys: ['ctrl+r'], label: 'refresh', help: 'refresh now', intent: { type: 'refresh' }, screens: 'all', nav: true },
  {
    keys: ['l', 'enter'],
    label: 'logs',
    help: 'logs of the selected app (puma and nginx, merged)',
    intent: { type: 'logs' },
    screens: ['overview'],
  },
  {
    keys: ['r'],
    label: 'restart',
    help: 'restart the selected app (asks first)',
    intent: { type: 'app-action', action: 'restart' },
    screens: ['overview'],
    changes: true,
  },
  {
    keys: ['s'],
    label: 'stop',
    help: 'stop the selected app (asks first)',
    intent: { type: 'app-action', action: 'stop' },
    screens: ['overview'],
    changes: true,
  },
  {
    keys: ['S'],
    label: 'start',
    help: 'start the selected app',
    intent: { type: 'app-action', action: 'start' },
    screens: ['overview'],
    changes: true,
  },
  {
    keys: ['d'],
    label: 'deploy',
    help: 'deploy the selected app (asks for the git ref, then y/n) and watch it',
    intent: { type: 'deploy' },
    screens: ['overview'],
    changes: true,
  },
  {
    keys: ['space'],
    label: 'pause',
    help: 'pause / resume following (lines keep coming in)',
    intent: { type: 'pause' },
    screens: ['logs'],
  },
  { keys: ['t'], label: 'times', help: 'show / hide timestamps', intent: { type: 'timestamps' }, screens: ['logs'] },
  { keys: ['c'], label: 'clear', help: 'clear the lines received so far', intent: { type: 'clear' }, screens: ['logs'] },
  {
    keys: ['enter'],
    label: 'view',
    help: 'view the selected site with line numbers',
    intent: { type: 'open' },
    screens: ['configs'],
    modes: ['list'],
  },
  {
    keys: ['e'],
    label: 'edit',
    help: 'edit in $EDITOR, then review the diff',
    intent: { type: 'edit' },
    screens: ['configs'],
    changes: true,
  },
  {
    keys: ['a'],
    label: 'apply',
    help: 'apply the edited copy: nginx -t, backup, reload (asks first)',
    intent: { type: 'apply' },
    screens: ['configs'],
    modes: ['review'],
    changes: true,
  },
  {
    keys: ['u'],
    label: 'update',
    help: 'fetch the live copy again (after a conflict) and diff against it',
    intent: { type: 'reload' },
    screens: ['configs'],
    modes: ['view', 'review'],
  },
  {
    keys: ['enter'],
    label: 'run',
    help: 'run the selected script (asks for arguments)',
    intent: { type: 'open' },
    screens: ['scripts'],
    modes: ['list'],
    changes: true,
  },
  { keys: ['x'], label: 'stop run', help: 'stop the running script', intent: { type: 'cancel-run' }, screens: ['scripts'], modes: ['run'] },
  {
    keys: ['enter'],
    label: 'releases',
    help: "the selected app's releases and deploy lock",
    intent: { type: 'open' },
    screens: ['deploys'],
    modes: ['list'],
  },
  {
    keys: ['d'],
    label: 'deploy',
    help: 'deploy the app: asks for the git ref (default: its branch), then y/n; shows it live',
    intent: { type: 'deploy' },
    screens: ['deploys'],
    modes: ['list', 'releases'],
    changes: true,
  },
  {
    keys: ['w'],
    label: 'watch',
    help: 'the running (or last) deploy of the app',
    intent: { type: 'watch' },
    screens: ['deploys'],
    modes: ['list', 'releases'],
  },
  {
    keys: ['b'],
    label: 'roll back',
    help: 'roll back to the selected release (asks first; warns about migrations after)',
    intent: { type: 'rollback' },
    screens: ['deploys'],
    modes: ['releases'],
    changes: true,
  },
  {
    keys: ['L'],
    label: 'lock',
    help: 'lock deploys of the app (asks for the reason)',
    intent: { type: 'lock' },
    screens: ['deploys'],
    modes: ['releases'],
    changes: true,
  },
  {
    keys: ['U'],
    label: 'unlock',
    help: "remove the app's deploy lock (asks first)",
    intent: { type: 'unlock' },
    screens: ['deploys'],
    modes: ['releases'],
    changes: true,
  },
  {
    keys: ['x'],
    label: 'cancel',
    help: 'cancel the deploy: the agent stops it before the switch (Esc leaves it running)',
    intent: { type: 'cancel-deploy' },
    screens: ['deploys'],
    modes: ['run'],
  },
  {
    keys: ['u'],
    label: 'update',
    help: "send this hms's agent and switch to it (asks first; rolled back when unhealthy)",
    intent: { type: 'agent-update' },
    screens: ['agent'],
    changes: true,
  },
  {
    keys: ['enter'],
    label: 'restore',
    help: 'switch the agent back to the selected kept release (asks first)',
    intent: { type: 'open' },
    screens: ['agent'],
    changes: true,
  },
  ...BACKUP_BINDINGS,
];
