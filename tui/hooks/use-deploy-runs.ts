/**
 * Deploys started from the control center, one per app at a time: the app's own
 * tests on this laptop first when configured (src/local/app-tests.ts, as `hms
 * deploy` runs them; a failure deploys nothing and `onTestsFailed` asks whether to
 * deploy anyway), then the deploy streamed into a DeployRun as its events come.
 * `x` cancels one (the tests are killed; the agent stops a deploy before the
 * switch); leaving the view does not, and the status line says how it ended.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { deployStream } from '../../src/client/deploys-client.js';
import { doneSummary, nextSteps, OutputLines, stepLine } from '../../src/core/deploy-render.js';
import { runAppTests } from '../../src/local/app-tests.js';
import type { TuiSession } from '../session.js';
import {
  gateOf,
  gateStartLine,
  gateVerdict,
  runOutcome,
  startRun,
  withStep,
  withText,
  type DeployRun,
  type GateState,
  type TestGate,
} from '../state/deploy-run.js';
import { errorNotice, type Notify } from './use-notice.js';

export interface DeployRequest {
  server: string;
  app: string;
  ref: string;
  /** The app's test gate, run before the deploy unless `skipTests`. */
  tests?: TestGate | undefined;
  /** Deploy without running the tests (asked after they failed): the agent's audit records it. */
  skipTests?: boolean | undefined;
}

export interface DeployRuns {
  get(server: string, app: string): DeployRun | undefined;
  start(request: DeployRequest): void;
  cancel(server: string, app: string): void;
}

const runKey = (server: string, app: string): string => `${server}\n${app}`;

type Update = (change: (run: DeployRun) => DeployRun) => void;

export function useDeployRuns(
  session: Pick<TuiSession, 'connections'>,
  notify: Notify,
  onDone: () => void,
  onTestsFailed?: (request: DeployRequest) => void,
): DeployRuns {
  const [runs, setRuns] = useState<Record<string, DeployRun>>({});
  const controllers = useRef(new Map<string, AbortController>());
  useEffect(() => () => controllers.current.forEach((controller) => controller.abort()), []);

  const start = useCallback(
    (request: DeployRequest) => {
      const key = runKey(request.server, request.app);
      if (controllers.current.has(key)) {
        notify('warn', `A deploy of ${request.app} on ${request.server} is running already: w shows it, x there cancels it.`);
        return;
      }
      const stop = new AbortController();
      controllers.current.set(key, stop);
      setRuns((all) => ({ ...all, [key]: startRun(request) }));
      const update: Update = (change) => setRuns((all) => (all[key] ? { ...all, [key]: change(all[key]) } : all));
      void (async () => {
        const lines = new OutputLines();
        try {
          const gate = gateOf(request);
          const tested = gate && (await runGate(request.app, gate, stop.signal, update));
          if (gate && tested?.status !== 'passed') {
            if (tested) {
              tell(notify, request.app, { ...startRun(request), gate: tested, running: false });
              onTestsFailed?.(request);
            }
            return;
          }
          const { client } = await session.connections.get(request.server);
          const body = { ref: request.ref, skipTests: request.tests !== undefined && request.skipTests === true };
          for await (const event of deployStream(client, request.app, body, stop.signal)) {
            if (event.kind === 'output') {
              const text = lines.push(event.output.text);
              update((run) => withText(run, text));
            } else if (event.kind === 'step') {
              const text = `${lines.flush()}${stepLine(event.step)}\n`;
              update((run) => withStep(withText(run, text), event.step));
            } else {
              const text = lines.flush();
              update((run) => ({ ...withText(run, text), done: event.done }));
              tell(notify, request.app, { ...startRun(request), done: event.done, running: false });
            }
          }
        } catch (error) {
          const ended = stop.signal.aborted ? { cancelled: true } : { error: errorNotice(error) };
          update((run) => ({ ...run, ...ended }));
          tell(notify, request.app, { ...startRun(request), ...ended, running: false });
        } finally {
          controllers.current.delete(key);
          update((run) => ({ ...run, running: false }));
          onDone();
        }
      })();
    },
    [session, notify, onDone, onTestsFailed],
  );

  const cancel = useCallback((server: string, app: string) => {
    const key = runKey(server, app);
    const controller = controllers.current.get(key);
    if (!controller) return;
    setRuns((all) => (all[key] ? { ...all, [key]: { ...all[key], cancelled: true } } : all));
    controller.abort();
  }, []);

  const get = useCallback((server: string, app: string) => runs[runKey(server, app)], [runs]);
  return { get, start, cancel };
}

/**
 * The test gate: its output into the run as it comes (bounded like a deploy's), then
 * how it ended; undefined when cancelled (the tests are killed).
 */
async function runGate(
  app: string,
  gate: TestGate,
  signal: AbortSignal,
  update: Update,
): Promise<Exclude<GateState, { status: 'running' }> | undefined> {
  const lines = new OutputLines();
  update((run) => ({ ...withText(run, gateStartLine(app, gate)), gate: { status: 'running' } }));
  const onOutput = (chunk: Buffer): void => {
    const text = lines.push(chunk.toString());
    update((run) => withText(run, text));
  };
  const started = Date.now();
  const ended: Exclude<GateState, { status: 'running' }> = await runAppTests({
    app,
    checkout: gate.checkout,
    testCommand: gate.command,
    signal,
    onOutput,
  }).then(
    (result) => (result.ok ? { status: 'passed', ms: result.ms } : { status: 'failed', code: result.code, ms: result.ms }),
    (error: unknown) => ({
      status: 'failed',
      code: null,
      ms: Date.now() - started,
      error: ((error as Error).cause as Error | undefined)?.message ?? (error as Error).message,
    }),
  );
  if (signal.aborted) {
    update((run) => ({ ...withText(run, lines.flush()), cancelled: true }));
    return undefined;
  }
  const text = `${lines.flush()}${ended.status === 'passed' ? '✓' : '✗'} tests ${gateVerdict(ended)}\n`;
  update((run) => ({ ...withText(run, text), gate: ended }));
  return ended;
}

/** The status line, for when the view was left while it ran. */
function tell(notify: Notify, app: string, run: DeployRun): void {
  if (run.done) {
    if (run.done.ok) notify('ok', doneSummary(app, run.done));
    else notify('error', doneSummary(app, run.done), nextSteps(app, run.done));
    return;
  }
  const outcome = runOutcome(run);
  notify(outcome.level === 'stopped' ? 'warn' : 'error', outcome.lines[0] ?? '', outcome.lines[1]);
}
