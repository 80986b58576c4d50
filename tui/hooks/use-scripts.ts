/**
 * The troubleshooting scripts of the current server, and one run at a time with
 * its output as it comes and its exit. `x` stops it (the agent ends the script);
 * leaving the run view does not, and a new run replaces the old one.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ScriptExit, ScriptSummary } from '../../src/api/scripts.js';
import type { ApiClient } from '../../src/client/api-client.js';
import { listScripts, runScriptStream } from '../../src/client/scripts-client.js';
import { appendOutput, emptyOutput, type ScriptOutput } from '../state/script-run.js';
import { errorNotice } from './use-notice.js';

export interface ScriptRun {
  name: string;
  args: string[];
  output: ScriptOutput;
  running: boolean;
  exit?: ScriptExit | undefined;
  error?: { text: string; hint?: string | undefined } | undefined;
}

export interface Scripts {
  scripts?: ScriptSummary[] | undefined;
  error?: string | undefined;
  run?: ScriptRun | undefined;
  start(name: string, args: string[]): void;
  cancel(): void;
}

export function useScripts(client: ApiClient | undefined, active: boolean): Scripts {
  const [scripts, setScripts] = useState<ScriptSummary[]>();
  const [error, setError] = useState<string>();
  const [run, setRun] = useState<ScriptRun>();
  const running = useRef<AbortController | undefined>(undefined);

  // Another server has other scripts: forget the list rather than show it as this one's.
  useEffect(() => setScripts(undefined), [client]);

  useEffect(() => {
    if (!client || !active) return;
    let live = true;
    listScripts(client).then(
      (list) => live && (setScripts(list.scripts), setError(undefined)),
      (e: unknown) => live && setError(errorNotice(e).text),
    );
    return () => {
      live = false;
    };
  }, [client, active]);

  const cancel = useCallback(() => running.current?.abort(), []);
  useEffect(() => () => running.current?.abort(), [client]);

  const start = useCallback(
    (name: string, args: string[]) => {
      if (!client) return;
      running.current?.abort();
      const stop = new AbortController();
      running.current = stop;
      setRun({ name, args, output: emptyOutput(), running: true });
      const update = (change: (run: ScriptRun) => ScriptRun): void =>
        setRun((current) => (current && running.current === stop ? change(current) : current));
      void (async () => {
        try {
          for await (const event of runScriptStream(client, name, { args }, stop.signal)) {
            if (event.kind === 'exit') update((r) => ({ ...r, exit: event.exit }));
            else update((r) => ({ ...r, output: appendOutput(r.output, event.kind, event.text) }));
          }
        } catch (e) {
          const text = stop.signal.aborted ? 'stopped: the agent ends the script' : errorNotice(e).text;
          update((r) => ({ ...r, error: { text, hint: stop.signal.aborted ? undefined : errorNotice(e).hint } }));
        } finally {
          update((r) => ({ ...r, running: false }));
        }
      })();
    },
    [client],
  );

  return { scripts, error, run, start, cancel };
}
