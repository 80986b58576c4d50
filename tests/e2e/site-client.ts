/**
 * Requests to a test server's sites through nginx, as a browser would reach them (the
 * name in Host or SNI, the connection to the server's own address), and a client loop
 * that records every answer while something else runs.
 */
import http from 'node:http';
import https from 'node:https';

export interface SiteAnswer {
  status: number;
  body: string;
  retryAfter?: string | undefined;
  /** When the answer came (ms since the epoch). */
  at: number;
}

export function siteRequest(
  address: string,
  url: string,
  options: { method?: string; timeoutMs?: number; body?: string } = {},
): Promise<SiteAnswer> {
  const target = new URL(url);
  const secure = target.protocol === 'https:';
  const get = secure ? https.request : http.request;
  return new Promise((resolve) => {
    const request = get(
      {
        host: address,
        port: secure ? 443 : 80,
        path: `${target.pathname}${target.search}`,
        method: options.method ?? 'GET',
        headers: {
          Host: target.hostname,
          ...(options.body !== undefined
            ? { 'content-type': 'application/octet-stream', 'content-length': Buffer.byteLength(options.body) }
            : {}),
        },
        ...(secure ? { servername: target.hostname, rejectUnauthorized: false } : {}),
        timeout: options.timeoutMs ?? 20_000,
      },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          body += chunk;
        });
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, body, retryAfter: response.headers['retry-after'] as string, at: Date.now() }),
        );
      },
    );
    request.on('timeout', () => request.destroy(new Error('timed out')));
    request.on('error', (error) => resolve({ status: 0, body: error.message, at: Date.now() }));
    request.end(options.body);
  });
}

/** Asks `url` again and again until stopped; every answer is kept in order. */
export function clientLoop(address: string, url: string): { answers: SiteAnswer[]; stop(): Promise<SiteAnswer[]> } {
  const answers: SiteAnswer[] = [];
  let running = true;
  const loop = (async () => {
    while (running) answers.push(await siteRequest(address, url));
  })();
  return {
    answers,
    async stop() {
      running = false;
      await loop;
      return answers;
    },
  };
}
