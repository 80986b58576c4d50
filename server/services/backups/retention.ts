/**
 * Retention after a scheduled backup: `restic forget` over one app's snapshots, one
 * kind and one part (the dump, the uploaded files) at a time, each grouped by host, so
 * each kind (scheduled, manual, pre-migration, pre-restore) keeps the policy's newest per
 * day, week and month on its own: scheduled backups never push a pre-migration snapshot
 * out, and the newest of each is always kept. Tags that differ per snapshot (row counts,
 * release) do not split the groups. Then one `restic prune` when anything was forgotten.
 */
import { backupKindSchema } from '../../../src/api/backups.js';
import type { AgentConfig } from '../../config.js';
import type { AgentDeps } from '../../env.js';
import { resticEnv, SNAPSHOT_ID } from './argv.js';
import { lastLines, RESTIC_LIMITS } from './database.js';

export type Keep = AgentConfig['backups']['keep'];
export const PARTS = ['database', 'files'] as const;

export const forgetPolicyArgv = (app: string, kind: string, part: (typeof PARTS)[number], keep: Keep): string[] => [
  'restic',
  'forget',
  '--json',
  '--tag',
  `app:${app},kind:${kind},part:${part}`,
  '--group-by',
  'host',
  '--keep-daily',
  String(keep.daily),
  ...(keep.weekly > 0 ? ['--keep-weekly', String(keep.weekly)] : []),
  ...(keep.monthly > 0 ? ['--keep-monthly', String(keep.monthly)] : []),
];

export interface Forgotten {
  kept: string[];
  removed: string[];
}

/** The JSON line of `restic forget --json` (prune writes lines of its own after it): the ids kept and removed. */
export function parseForget(stdout: string): Forgotten {
  const line = stdout.split('\n').find((l) => l.startsWith('['));
  const groups = JSON.parse(line ?? '[]') as Array<{ keep?: Array<{ id?: unknown }> | null; remove?: Array<{ id?: unknown }> | null }>;
  const ids = (list: Array<{ id?: unknown }> | null | undefined) =>
    (list ?? []).flatMap((s) => (typeof s.id === 'string' && SNAPSHOT_ID.test(s.id) ? [s.id] : []));
  return { kept: groups.flatMap((g) => ids(g.keep)), removed: groups.flatMap((g) => ids(g.remove)) };
}

/** Applies the retention to one app's snapshots; throws with restic's words when it fails. */
export async function applyRetention(deps: AgentDeps, app: string, actor: string): Promise<Forgotten> {
  const { keep } = deps.config.backups;
  const run = (argv: string[]) =>
    deps.exec(argv, {
      env: resticEnv(deps.config),
      timeoutMs: deps.config.backups.timeoutSeconds * 1000,
      limits: RESTIC_LIMITS,
      maxOutputBytes: 4 * 1024 * 1024,
    });
  const fail = async (what: string, result: { code: number | null; signal?: string | null; stderr: string }) => {
    const error = `restic ${what} failed (exit ${result.code ?? result.signal}): ${lastLines(result.stderr)}`;
    await deps.audit.record({ actor, action: 'backup.forget', target: app, result: 'failed', detail: error });
    throw new Error(error);
  };
  const forgotten: Forgotten = { kept: [], removed: [] };
  for (const kind of backupKindSchema.options) {
    for (const part of PARTS) {
      const result = await run(forgetPolicyArgv(app, kind, part, keep));
      if (result.code !== 0) await fail('forget', result);
      const group = parseForget(result.stdout);
      forgotten.kept.push(...group.kept);
      forgotten.removed.push(...group.removed);
    }
  }
  if (forgotten.removed.length > 0) {
    const pruned = await run(['restic', 'prune']);
    if (pruned.code !== 0) await fail('prune', pruned);
  }
  const policy = `daily ${keep.daily}, weekly ${keep.weekly}, monthly ${keep.monthly}`;
  const detail = `kept ${forgotten.kept.length}, forgot ${forgotten.removed.length} (${policy})`;
  await deps.audit.record({ actor, action: 'backup.forget', target: app, result: 'ok', detail });
  return forgotten;
}
