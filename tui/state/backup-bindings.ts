/**
 * The keys of the backups screen (part of the one binding table, key-bindings.ts):
 * B opens it anywhere; there, back up now, run a restore drill, restore a snapshot.
 */
import type { Binding } from './binding.js';

export const BACKUP_BINDINGS: Binding[] = [
  {
    keys: ['B'],
    label: 'backups',
    help: "backups: the selected app's database snapshots, or the apps with a database (:backups)",
    intent: { type: 'backups' },
    screens: 'all',
  },
  {
    keys: ['enter'],
    label: 'snapshots',
    help: "the selected app's database snapshots",
    intent: { type: 'open' },
    screens: ['backups'],
    modes: ['list'],
  },
  {
    keys: ['b'],
    label: 'back up now',
    help: "back up the app's database now (pg_dump into restic, rows counted)",
    intent: { type: 'backup-now' },
    screens: ['backups'],
    modes: ['list', 'snapshots'],
    changes: true,
  },
  {
    keys: ['t'],
    label: 'drill',
    help: 'restore drill: the latest snapshot restored into a scratch database, row counts compared',
    intent: { type: 'drill' },
    screens: ['backups'],
    modes: ['list', 'snapshots'],
    changes: true,
  },
  {
    keys: ['R'],
    label: 'restore',
    help: "restore the selected snapshot as the app's live database (asks first; what it replaces is kept)",
    intent: { type: 'restore' },
    screens: ['backups'],
    modes: ['snapshots'],
    changes: true,
  },
];
