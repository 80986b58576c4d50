/**
 * Health probes: an HTTP GET of the app's health path through puma's unix socket
 * (or a TCP URL), bounded by a deadline. Never throws: a failure is a result.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import type { HealthResult } from '../../../src/api/apps.js';
import type { AgentApp } from '../../config.js';

export interface HttpProbe {
  socket?: string;
  url?: string;
  path: string;
  timeoutMs: number;
}

/** What the app sees, so it can leave the probe out of its logs (e.g. a Rails log filter on this user agent). */
export const HEALTH_USER_AGENT = 'hms-health';

/** Accepts and discards at most this much of a health page. */
const MAX_BODY_BYTES = 64 * 1024;

export function appProbe(app: AgentApp): HttpProbe | null {
  const health = app.health;
  if (!health || (!health.socket && !health.url)) return null;
  return { socket: health.socket, url: health.url, path: health.path, timeoutMs: health.timeoutMs };
}

/**
 * GET `path` as nginx would send it: `X-Forwarded-Proto: https` so a Rails app with
 * `force_ssl` answers instead of redirecting to https. 2xx is healthy.
 */
export function probeHttp(probe: HttpProbe): Promise<HealthResult> {
  const via = probe.socket ? 'socket' : 'url';
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const target = probe.socket ? { socketPath: probe.socket, path: probe.path } : urlTarget(probe.url!, probe.path);

  return new Promise((resolve) => {
    let done = false;
    const finish = (status: number | null, error: string | null) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      request.destroy();
      resolve({ ok: error === null, via, status, ms: elapsed(), error });
    };
    const request = http.request(
      { ...target, method: 'GET', headers: { host: 'localhost', 'x-forwarded-proto': 'https', 'user-agent': HEALTH_USER_AGENT } },
      (response) => {
        const status = response.statusCode ?? 0;
        let received = 0;
        response.on('data', (chunk: Buffer) => {
          received += chunk.length;
          if (received > MAX_BODY_BYTES) finish(status, status >= 200 && status < 300 ? null : `HTTP ${status}`);
        });
        response.on('end', () => finish(status, status >= 200 && status < 300 ? null : `HTTP ${status}`));
        response.on('error', (error) => finish(status, error.message));
      },
    );
    const timer = setTimeout(() => finish(null, `no answer within ${probe.timeoutMs} ms`), probe.timeoutMs);
    request.on('error', (error: NodeJS.ErrnoException) => finish(null, describe(error, probe)));
    request.end();
  });
}

function urlTarget(url: string, path: string): http.RequestOptions {
  const full = new URL(path, url);
  return { hostname: full.hostname, port: full.port || 80, path: `${full.pathname}${full.search}` };
}

function describe(error: NodeJS.ErrnoException, probe: HttpProbe): string {
  const where = probe.socket ?? probe.url;
  if (error.code === 'ENOENT') return `${where}: no such socket (is the app's unit running?)`;
  if (error.code === 'ECONNREFUSED') return `${where}: connection refused (is the app's unit running?)`;
  return `${where}: ${error.message}`;
}
