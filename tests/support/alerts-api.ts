/**
 * /api/alerts on a real loopback HTTP server, answered from a MemoryAlerts (not the
 * watcher: see memory-alerts.ts), for the TUI's hooks: the routes of src/api/alerts.ts
 * with the agent's JSON errors, or, as an agent older than this hms, 404 for all of them.
 * The client is the laptop's real ApiClient over undici.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { ACTOR_HEADER } from '../../src/api/core.js';
import { ApiClient } from '../../src/client/api-client.js';
import { ApiError } from '../../server/errors.js';
import type { MemoryAlerts } from './memory-alerts.js';

export interface AlertsApi {
  url: string;
  /** Method and path of every request, in order. */
  requests: string[];
  client(server?: string): ApiClient;
  close(): Promise<void>;
}

async function bodyOf(request: IncomingMessage): Promise<Record<string, unknown>> {
  let text = '';
  for await (const chunk of request) text += chunk;
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

/** `alerts`: what the agent knows; 'older': an agent without the routes. */
export async function serveAlertsApi(alerts: MemoryAlerts | 'older'): Promise<AlertsApi> {
  const requests: string[] = [];
  const clients: Agent[] = [];
  const server = createServer(async (request, response) => {
    const path = request.url ?? '';
    requests.push(`${request.method} ${path}`);
    const send = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    const actor = String(request.headers[ACTOR_HEADER] ?? 'unknown');
    try {
      const body = await bodyOf(request);
      if (alerts === 'older') return send(404, { error: 'Not found.' });
      if (request.method === 'GET' && path === '/api/alerts') return send(200, await alerts.overview());
      if (request.method === 'POST' && path === '/api/alerts/test')
        return send(200, await alerts.test(actor, body.channel as string | undefined));
      if (request.method === 'POST' && path === '/api/alerts/mutes')
        return send(200, { mute: await alerts.mute(actor, String(body.target), Number(body.minutes)) });
      const unmute = /^\/api\/alerts\/mutes\/([^/]+)$/.exec(path);
      if (request.method === 'DELETE' && unmute) return send(200, { removed: await alerts.unmute(actor, decodeURIComponent(unmute[1]!)) });
      return send(404, { error: 'Not found.' });
    } catch (error) {
      if (error instanceof ApiError) return send(error.status, { error: error.message, hint: error.hint });
      return send(500, { error: 'Internal error.' });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    client(name = 'prod') {
      const dispatcher = new Agent();
      clients.push(dispatcher);
      return new ApiClient(name, { via: 'https', baseUrl: url, dispatcher, close: () => dispatcher.close() }, 'tok_test', 'alice@laptop');
    },
    async close() {
      await Promise.all(clients.splice(0).map((dispatcher) => dispatcher.destroy()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
