/**
 * The backups screen's feed: the open app's snapshots (read again every few seconds
 * while shown), and one backup, drill or restore at a time, whose progress and
 * outcome the screen shows and the status line repeats (also when the screen was left).
 */
import { useCallback, useRef, useState } from 'react';
import type { BackupList } from '../../src/api/backups.js';
import type { ApiClient } from '../../src/client/api-client.js';
import { drillBackup, listBackups, restoreStreamed, takeBackup } from '../../src/client/backups-client.js';
import type { TuiSession } from '../session.js';
import type { BackupAction } from '../state/guard.js';
import { backupOutcome, drillOutcome, restoreOutcome, type BackupOutcome, type BackupTask } from '../state/backup-rows.js';
import { errorNotice, type Notify } from './use-notice.js';
import { usePoll } from './use-poll.js';

export const BACKUPS_POLL_MS = 10_000;

export interface Backups {
  /** The open app's snapshots, as the agent lists them (oldest first). */
  list?: BackupList | undefined;
  error?: string | undefined;
  /** What runs now. */
  task?: BackupTask | undefined;
  /** How the last one ended. */
  outcome?: BackupOutcome | undefined;
  run(action: BackupAction): void;
  refresh(): void;
}

export function useBackups(
  session: Pick<TuiSession, 'connections'>,
  client: ApiClient | undefined,
  app: string | undefined,
  active: boolean,
  notify: Notify,
): Backups {
  const [task, setTask] = useState<BackupTask>();
  const [outcome, setOutcome] = useState<BackupOutcome>();
  const running = useRef<BackupTask | undefined>(undefined);
  const read = client && active && app ? async () => listBackups(client, app) : undefined;
  const polled = usePoll(read, [client, app], BACKUPS_POLL_MS);
  const wake = polled.refresh;

  const run = useCallback(
    (action: BackupAction) => {
      if (running.current) {
        const { app: busy, server } = running.current.action;
        notify('warn', `${busy} on ${server} is busy with a ${running.current.action.kind}: wait for it to end.`);
        return;
      }
      const started: BackupTask = { action, startedAt: Date.now() };
      running.current = started;
      setTask(started);
      void (async () => {
        try {
          const { client: target } = await session.connections.get(action.server);
          const done = await perform(target, action, (step) => setTask({ ...started, step }));
          setOutcome(done);
          notify(done.ok ? 'ok' : 'error', done.lines[0] ?? '');
        } catch (error) {
          const { text, hint } = errorNotice(error);
          setOutcome({ server: action.server, app: action.app, ok: false, lines: [`✗ ${text}`, ...(hint ? [hint] : [])] });
          notify('error', text, hint);
        } finally {
          running.current = undefined;
          setTask(undefined);
          wake();
        }
      })();
    },
    [session, notify, wake],
  );

  const list = polled.value?.app === app ? polled.value : undefined;
  return { list, error: polled.error, task, outcome, run, refresh: wake };
}

/** Runs the action; a restore tells each step as the agent streams it. */
async function perform(client: ApiClient, action: BackupAction, onStep: (line: string) => void): Promise<BackupOutcome> {
  if (action.kind === 'backup') return backupOutcome(action.server, await takeBackup(client, action.app));
  if (action.kind === 'drill') return drillOutcome(action.server, await drillBackup(client, action.app));
  const result = await restoreStreamed(client, action.app, { snapshot: action.snapshot }, (step) => onStep(step.line));
  return restoreOutcome(action.server, result);
}
