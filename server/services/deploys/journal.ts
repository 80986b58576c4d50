/**
 * Why a unit did not come up, in its own words: the last lines of its journal, bare,
 * without systemd's own lines about starting and stopping it. Empty when the journal
 * cannot be read.
 */
import type { AgentDeps } from '../../env.js';
import { journalTailArgv } from './argv.js';

export async function unitOwnLines(deps: AgentDeps, unit: string, count: number): Promise<string[]> {
  const journal = await deps.exec(journalTailArgv(unit, count), { timeoutMs: 10_000 }).catch(() => null);
  return (journal?.stdout ?? '')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith(`${unit}: `) && !/^(Started|Starting|Stopped|Stopping) /.test(line));
}
