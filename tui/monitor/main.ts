/**
 * `hms monitor [app|source]`: the chart dashboard. Connects like every command
 * (a configured server, or the in-process agent in local mode), refreshes metrics
 * and apps every 2 s, and follows one log. Connection trouble is shown and retried;
 * q, Esc, Ctrl-C, SIGTERM or SIGHUP give the terminal back as it was.
 */
import { connect, type ClientContext, type Connected } from '../../src/client/connect.js';
import { UsageError } from '../../src/core/errors.js';
import { appsView } from './apps-view.js';
import { createDashboard, type Dashboard } from './dashboard.js';
import { feedLog } from './log-feed.js';
import { errorText, logLineText, logSourceFor, noteText, statusText, type StatusState } from './log-view.js';
import { addSample, metricsView, type Sample } from './metrics-view.js';
import { refreshEvery } from './refresh-loop.js';
import { loadSnapshot, type Snapshot } from './snapshot-source.js';

export const REFRESH_MS = 2_000;
const REQUEST_TIMEOUT_MS = 10_000;
const LOG_BACKLOG = 50;
const QUIT_SIGNALS = ['SIGTERM', 'SIGHUP', 'SIGINT'] as const;

/** Opens the chart dashboard (`hms monitor`). Resolves with the exit code when it closes. */
export async function runMonitor(context: ClientContext): Promise<number> {
  if (context.args.length > 1)
    throw new UsageError(
      `One log at a time: got ${context.args.join(', ')}.`,
      'Run `hms monitor [app|source]`; `hms logs` lists the sources.',
    );
  if (!process.stdout.isTTY || !process.stdin.isTTY) {
    throw new UsageError(
      '`hms monitor` draws on a terminal, and this is not one.',
      'Run it in a terminal; in scripts, use `hms metrics --json` or `hms status --json`.',
    );
  }
  const connected = await connect(context);
  let dashboard: Dashboard | undefined;
  try {
    dashboard = createDashboard({ title: `hms monitor ${connected.name}` });
    await monitor(context.args, connected, dashboard);
    return 0;
  } finally {
    // The terminal first: closing an SSH tunnel may take a moment.
    dashboard?.destroy();
    await connected.close();
  }
}

/** Draws until the user quits (resolves) or drawing fails (rejects: a bug). */
async function monitor(args: string[], connected: Connected, dashboard: Dashboard): Promise<void> {
  const { client } = connected;
  const stop = new AbortController();
  const { signal } = stop;
  const note = (text: string): void => dashboard.log(noteText(new Date(), text));
  let status: StatusState = { server: connected.name, refreshMs: REFRESH_MS };
  let history: Sample[] = [];
  let logFeed: Promise<void> | undefined;
  let lastError: string | undefined;
  const problems = new Set<string>();
  const loops: Promise<void>[] = [];

  let quit!: () => void;
  let fail!: (error: unknown) => void;
  const ended = new Promise<void>((resolve, reject) => {
    quit = resolve;
    fail = reject;
  });
  dashboard.onQuit(() => quit());
  for (const name of QUIT_SIGNALS) process.once(name, quit);

  const showStatus = (error: unknown, retryInMs?: number): void => {
    const text = error === undefined ? undefined : errorText(error);
    status = { ...status, error: text, retryInMs };
    dashboard.setStatus(statusText(status), text === undefined);
    // The panel keeps a record of changes, not a line per refresh.
    if (text !== lastError) note(text ?? `connected to ${connected.name}`);
    lastError = text;
  };

  const startLog = (source: string): void => {
    dashboard.setLogLabel(` Log ${source} (times UTC) `);
    note(`following ${source}`);
    logFeed = feedLog({ client, source, backlog: LOG_BACKLOG, signal, onNote: note, onLine: (line) => dashboard.log(logLineText(line)) });
    loops.push(logFeed.catch(fail));
  };

  const show = (snapshot: Snapshot): void => {
    if (snapshot.metrics) {
      history = addSample(history, snapshot.metrics);
      dashboard.showMetrics(metricsView(history, snapshot.metrics));
    }
    if (snapshot.apps) {
      const view = appsView(snapshot.apps);
      dashboard.showApps(view);
      for (const problem of view.problems.filter((p) => !problems.has(p))) note(problem);
      view.problems.forEach((p) => problems.add(p));
      if (!logFeed) startLog(logSourceFor(args, snapshot.apps)!);
    }
    const at = snapshot.metrics ?? snapshot.apps;
    status = { ...status, hostname: at?.hostname, updatedAt: at?.at };
    showStatus(snapshot.errors[0]);
  };

  dashboard.setStatus(statusText(status), true);
  dashboard.setLogLabel(' Log (times UTC) ');
  const named = logSourceFor(args, undefined);
  if (named) startLog(named);
  loops.push(
    refreshEvery({
      intervalMs: REFRESH_MS,
      signal,
      load: (s) => loadSnapshot(client, { signal: s, timeoutMs: REQUEST_TIMEOUT_MS }),
      onData: show,
      onError: showStatus,
    }).catch(fail),
  );
  try {
    await ended;
  } finally {
    for (const name of QUIT_SIGNALS) process.off(name, quit);
    stop.abort();
    await Promise.allSettled(loops);
  }
}
