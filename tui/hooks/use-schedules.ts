/**
 * The current server's scheduled tasks (GET /api/schedules), read every 5 s while the
 * schedules screen is open, and one run started now with its output as it comes.
 */
import { useCallback, useRef, useState } from 'react';
import type { SchedulesResponse } from '../../src/api/schedules.js';
import type { ScriptExit } from '../../src/api/scripts.js';
import type { ApiClient } from '../../src/client/api-client.js';
import { listSchedules, runScheduleStream } from '../../src/client/schedules-client.js';
import { errorNotice, type Notify } from './use-notice.js';
import { usePoll, type Polled } from './use-poll.js';

export const SCHEDULES_POLL_MS = 5_000;
/** Lines of a run kept for the screen. */
const KEPT_LINES = 500;

export interface ScheduleRun {
  app: string;
  name: string;
  lines: string[];
  exit?: ScriptExit | undefined;
  error?: string | undefined;
}

export interface Schedules extends Polled<SchedulesResponse> {
  run?: ScheduleRun | undefined;
  start(action: { app: string; name: string }): void;
}

export function useSchedules(client: ApiClient | undefined, active: boolean, notify: Notify): Schedules {
  const polled = usePoll(client && active ? () => listSchedules(client) : undefined, [client], SCHEDULES_POLL_MS);
  const [run, setRun] = useState<ScheduleRun>();
  const running = useRef(false);
  const { refresh } = polled;
  const start = useCallback(
    ({ app, name }: { app: string; name: string }) => {
      if (!client || running.current) return;
      running.current = true;
      let current: ScheduleRun = { app, name, lines: [] };
      const update = (next: Partial<ScheduleRun>) => {
        current = { ...current, ...next };
        setRun(current);
      };
      update({});
      void (async () => {
        try {
          let partial = '';
          for await (const output of runScheduleStream(client, app, name)) {
            if (output.kind === 'exit') update({ exit: output.exit });
            else {
              const text = partial + output.text;
              const lines = text.split('\n');
              partial = lines.pop() ?? '';
              update({ lines: [...current.lines, ...lines].slice(-KEPT_LINES) });
            }
          }
          if (partial) update({ lines: [...current.lines, partial].slice(-KEPT_LINES) });
          const code = current.exit?.code;
          notify(
            code === 0 ? 'ok' : 'error',
            `${app} ${name} ${code === 0 ? 'ran ok' : `failed (${code ?? current.exit?.signal ?? '?'})`}`,
          );
        } catch (error) {
          update({ error: errorNotice(error).text });
          notify('error', errorNotice(error).text, errorNotice(error).hint);
        } finally {
          running.current = false;
          refresh();
        }
      })();
    },
    [client, notify, refresh],
  );
  return { ...polled, run, start };
}
