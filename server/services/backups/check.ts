/**
 * The repository check: `restic check --read-data-subset=n/N` reads one N-th of the
 * stored data (and all the metadata) each run, the next N-th the run after, so every
 * pack is read once in N runs. The result and the part read are kept in
 * <stateDir>/backups/check.json (root only) for the overview, and audited.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import type { AgentDeps } from '../../env.js';
import { resticEnv } from './argv.js';
import { lastLines, RESTIC_LIMITS } from './database.js';

export const checkRecordSchema = z.object({ at: z.string(), ok: z.boolean(), error: z.string().optional(), subset: z.string() });
export type CheckRecord = z.infer<typeof checkRecordSchema>;

const CHECK_TIMEOUT_MS = 5 * 3600_000;

export const checkArgv = (subset: string): string[] => ['restic', 'check', `--read-data-subset=${subset}`];

/** The part after the one read last ("3/12" -> "4/12", "12/12" -> "1/12"); the first when the count changed. */
export function nextSubset(previous: string | undefined, of: number): string {
  const match = /^(\d+)\/(\d+)$/.exec(previous ?? '');
  const next = match && Number(match[2]) === of ? (Number(match[1]) % of) + 1 : 1;
  return `${next}/${of}`;
}

const checkFile = (deps: AgentDeps): string => `${deps.config.stateDir}/backups/check.json`;

export async function readCheckRecord(deps: AgentDeps): Promise<CheckRecord | undefined> {
  const text = await readFile(checkFile(deps), 'utf8').catch(() => undefined);
  if (!text) return undefined;
  const parsed = checkRecordSchema.safeParse(JSON.parse(text));
  return parsed.success ? parsed.data : undefined;
}

export async function runCheck(deps: AgentDeps, actor: string): Promise<CheckRecord> {
  const subset = nextSubset((await readCheckRecord(deps))?.subset, deps.config.backups.check.subsets);
  const result = await deps.exec(checkArgv(subset), {
    env: resticEnv(deps.config),
    timeoutMs: CHECK_TIMEOUT_MS,
    limits: RESTIC_LIMITS,
    maxOutputBytes: 1024 * 1024,
  });
  const ok = result.code === 0 && !result.timedOut;
  const why = result.timedOut ? 'timed out' : `exit ${result.code ?? result.signal}`;
  const record: CheckRecord = {
    at: deps.clock().toISOString(),
    ok,
    subset,
    ...(ok ? {} : { error: `restic check failed (${why}): ${lastLines(`${result.stdout}\n${result.stderr}`)}` }),
  };
  await mkdir(`${deps.config.stateDir}/backups`, { recursive: true, mode: 0o700 });
  await writeFile(`${checkFile(deps)}.tmp`, `${JSON.stringify(record)}\n`, { mode: 0o600 });
  await rename(`${checkFile(deps)}.tmp`, checkFile(deps));
  const detail = ok ? `data subset ${subset} read, no errors` : record.error!;
  await deps.audit.record({ actor, action: 'backup.check', target: 'repository', result: ok ? 'ok' : 'failed', detail });
  return record;
}
