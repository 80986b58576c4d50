/**
 * Clients asking for the app's page through nginx, from this host, for as long as a
 * deploy or rollback takes: every answer is counted (status, connection errors) and
 * which release served it is noted, so a test can tell whether anything failed and
 * when the page changed release. Traffic goes only to the test server's address.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';

export interface LoadOptions {
  /** The test server's address. */
  host: string;
  /** The site's server_name, sent as Host. */
  site: string;
  clients: number;
  path?: string;
  /** Each request's deadline. */
  timeoutMs?: number;
}

export interface Answer {
  /** ms since the load started */
  at: number;
  status: number | null;
  release: string | null;
  /** How long it took. */
  ms: number;
  error?: string;
}

export interface LoadReport {
  requests: number;
  ok: number;
  /** 5xx answers and connection errors or timeouts: what a user would see as a failure. */
  failed: number;
  byStatus: Record<string, number>;
  errors: Record<string, number>;
  durationMs: number;
  requestsPerSecond: number;
  answers: Answer[];
}

export interface Load {
  /** ms since the load started, to mark events on the same clock. */
  now(): number;
  stop(): Promise<LoadReport>;
}

/** `<p id="release">sample release two</p>` -> "two" */
export function releaseOf(body: string): string | null {
  return /sample release (\w+)/.exec(body)?.[1] ?? null;
}

export function startLoad(options: LoadOptions): Load {
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.clients });
  const started = performance.now();
  const now = () => Math.round(performance.now() - started);
  const answers: Answer[] = [];
  let running = true;

  const once = () =>
    new Promise<Answer>((resolve) => {
      const sent = now();
      const answer = (fields: Omit<Answer, 'at' | 'ms'>) => resolve({ at: now(), ms: now() - sent, ...fields });
      const request = http.get(
        {
          host: options.host,
          port: 80,
          path: options.path ?? '/',
          agent,
          headers: { host: options.site },
          timeout: options.timeoutMs ?? 10_000,
        },
        (response) => {
          let body = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => {
            body += chunk;
          });
          response.on('end', () => answer({ status: response.statusCode ?? null, release: releaseOf(body) }));
          response.on('error', (error) => answer({ status: response.statusCode ?? null, release: null, error: error.message }));
        },
      );
      request.on('timeout', () => request.destroy(new Error('timeout')));
      request.on('error', (error: NodeJS.ErrnoException) => answer({ status: null, release: null, error: error.code ?? error.message }));
    });

  const client = async () => {
    while (running) answers.push(await once());
  };
  const clients = Array.from({ length: options.clients }, client);

  return {
    now,
    async stop() {
      running = false;
      await Promise.all(clients);
      agent.destroy();
      return summarize(answers, 0, now());
    },
  };
}

/** The answers that came between `from` and `to` (ms on the load's clock), summed up. */
export function summarize(all: readonly Answer[], from: number, to: number): LoadReport {
  const answers = all.filter((a) => a.at >= from && a.at <= to);
  const byStatus: Record<string, number> = {};
  const errors: Record<string, number> = {};
  for (const answer of answers) {
    const key = answer.status === null ? 'none' : String(answer.status);
    byStatus[key] = (byStatus[key] ?? 0) + 1;
    if (answer.error) errors[answer.error] = (errors[answer.error] ?? 0) + 1;
  }
  const durationMs = Math.max(to - from, 1);
  return {
    requests: answers.length,
    ok: answers.filter((a) => a.status === 200 && !a.error).length,
    failed: answers.filter((a) => a.status === null || a.status >= 500 || a.error !== undefined).length,
    byStatus,
    errors,
    durationMs,
    requestsPerSecond: Math.round((answers.length / durationMs) * 1000),
    answers,
  };
}

/**
 * From `since` on: when the page last showed a release other than `release` (so
 * every later answer showed `release`), as ms after `since`; null if it never settled.
 */
export function settledAfter(answers: readonly Answer[], since: number, release: string): number | null {
  const later = answers.filter((a) => a.at >= since);
  if (later.length === 0 || later.at(-1)!.release !== release) return null;
  const last = [...later].reverse().find((a) => a.release !== release);
  const first = later.find((a) => a.release === release && (!last || a.at > last.at));
  return first ? first.at - since : null;
}
