/**
 * Every place a user-controlled string reaches the agent, as a function from one
 * payload to the requests that carry it there: path parameters, query parameters,
 * JSON bodies, page forms and headers, anonymous, with the API token and with a
 * browser session. A surface whose requests start a process (grep, nginx -t, a
 * script) takes every `stride`-th payload only, so the suite stays within its time.
 */

export type Who = 'anonymous' | 'token' | 'session';

export interface SurfaceRequest {
  who: Who;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  headers?: Record<string, string>;
  /** A JSON body (sent as application/json). */
  json?: unknown;
  /** A form body; the session's CSRF token is added unless `_csrf` is given. */
  form?: Record<string, string>;
  /** Cleanup after the payload's requests (unlock): sent, not judged as a probe. */
  cleanup?: boolean;
}

export interface Surface {
  name: string;
  stride: number;
  requests(payload: string): SurfaceRequest[];
}

const e = encodeURIComponent;
const SOURCE = '/api/logs/cigar:production';
const get = (who: Who, path: string, headers?: Record<string, string>): SurfaceRequest => ({ who, method: 'GET', path, headers });
const send = (
  who: Who,
  method: SurfaceRequest['method'],
  path: string,
  json?: unknown,
  headers?: Record<string, string>,
): SurfaceRequest => ({ who, method, path, json, headers });
const form = (path: string, fields: Record<string, string>): SurfaceRequest => ({ who: 'session', method: 'POST', path, form: fields });

export function surfaces(forged: (payload: string) => string[]): Surface[] {
  return [
    // Anonymous: everything is refused or the login page, whatever the input.
    { name: 'anonymous: log source in the path', stride: 1, requests: (p) => [get('anonymous', `/api/logs/${e(p)}`)] },
    {
      name: 'anonymous: login page query (error, next)',
      stride: 1,
      requests: (p) => [get('anonymous', `/login?error=${e(p)}&next=${e(p)}`)],
    },
    {
      name: 'anonymous: login form user name',
      stride: 3,
      requests: (p) => [{ who: 'anonymous', method: 'POST', path: '/login', form: { username: p, password: 'wrong', next: p } }],
    },
    {
      name: 'anonymous: login form password',
      stride: 3,
      requests: (p) => [{ who: 'anonymous', method: 'POST', path: '/login', form: { username: 'admin', password: p } }],
    },
    {
      name: 'anonymous: Authorization bearer',
      stride: 2,
      requests: (p) => [
        get('anonymous', '/api/whoami', { authorization: `Bearer ${p}` }),
        get('anonymous', '/api/apps', { authorization: p }),
      ],
    },
    {
      name: 'anonymous: forged session cookies (alg none, guessed key, raw)',
      stride: 12,
      requests: (p) =>
        forged(p).flatMap((jwt) => [
          get('anonymous', '/api/whoami', { cookie: `hms_session=${jwt}` }),
          get('anonymous', '/', { cookie: `hms_session=${jwt}`, accept: 'text/html' }),
        ]),
    },
    { name: 'anonymous: X-Hms-Actor without a token', stride: 3, requests: (p) => [get('anonymous', '/api/apps', { 'x-hms-actor': p })] },

    // The API with the token.
    {
      name: 'token: log source in the path',
      stride: 1,
      requests: (p) => [get('token', `/api/logs/${e(p)}`), get('token', `/api/logs/cigar:${e(p)}`)],
    },
    { name: 'token: follow source in the path', stride: 3, requests: (p) => [get('token', `/api/logs/${e(p)}/follow`)] },
    {
      name: 'token: follow with grep (runs tail and grep, hung up after 200 ms)',
      stride: 16,
      requests: (p) => [get('token', `${SOURCE}/follow?lines=5&grep=${e(p)}`)],
    },
    {
      name: 'token: grep on a 100,000-character line (runs grep)',
      stride: 8,
      requests: (p) => [get('token', `/api/logs/cigar:huge?grep=${e(p)}`)],
    },
    { name: 'token: grep (runs grep)', stride: 8, requests: (p) => [get('token', `${SOURCE}?grep=${e(p)}`)] },
    {
      name: 'token: since, until',
      stride: 2,
      requests: (p) => [get('token', `${SOURCE}?since=${e(p)}`), get('token', `${SOURCE}?since=-1h&until=${e(p)}`)],
    },
    {
      name: 'token: lines, priority, context',
      stride: 3,
      requests: (p) => [
        get('token', `${SOURCE}?lines=${e(p)}`),
        get('token', `${SOURCE}?priority=${e(p)}`),
        get('token', `${SOURCE}?grep=a&context=${e(p)}`),
      ],
    },
    {
      name: 'token: journal priority and grep',
      stride: 8,
      requests: (p) => [get('token', `/api/logs/journal:cigar?priority=${e(p)}`), get('token', `/api/logs/journal:cigar?grep=${e(p)}`)],
    },
    { name: 'token: site in the path', stride: 1, requests: (p) => [get('token', `/api/configs/${e(p)}`)] },
    { name: 'token: site in the history path', stride: 4, requests: (p) => [get('token', `/api/configs/${e(p)}/history`)] },
    {
      name: 'token: backup id in the path and query',
      stride: 2,
      requests: (p) => [get('token', `/api/configs/cigar/history/${e(p)}`), get('token', `/api/configs/cigar/diff?against=${e(p)}`)],
    },
    {
      name: 'token: PUT site name',
      stride: 3,
      requests: (p) => [send('token', 'PUT', `/api/configs/${e(p)}`, { content: 'server {}\n' }, { 'if-match': '*' })],
    },
    {
      name: 'token: PUT config content (runs nginx -t)',
      stride: 8,
      requests: (p) => [send('token', 'PUT', '/api/configs/cigar', { content: p }, { 'if-match': '*' })],
    },
    {
      name: 'token: revert id',
      stride: 3,
      requests: (p) => [send('token', 'POST', '/api/configs/cigar/revert', { id: p }, { 'if-match': '*' })],
    },
    {
      name: 'token: deploy ref and reason',
      stride: 4,
      requests: (p) => [send('token', 'POST', '/api/deploys/cigar', { ref: p, reason: p }, { accept: 'application/json' })],
    },
    {
      name: 'token: rollback release and reason',
      stride: 3,
      requests: (p) => [send('token', 'POST', '/api/deploys/cigar/rollback', { release: p, reason: p })],
    },
    {
      name: 'token: app in deploy paths',
      stride: 3,
      requests: (p) => [
        get('token', `/api/deploys/${e(p)}/releases`),
        get('token', `/api/deploys/${e(p)}/lock`),
        send('token', 'POST', `/api/deploys/${e(p)}`, {}),
      ],
    },
    {
      name: 'token: lock reason and X-Hms-Actor, then the page that shows them',
      stride: 16,
      requests: (p) => [
        send('token', 'POST', '/api/deploys/cigar/lock', { reason: p }, { 'x-hms-actor': `${p}@host` }),
        get('session', '/deploys/cigar'),
        get('session', '/deploys'),
        get('session', '/audit'),
        { ...send('token', 'DELETE', '/api/deploys/cigar/lock'), cleanup: true },
      ],
    },
    {
      name: 'token: script name',
      stride: 6,
      requests: (p) => [send('token', 'POST', `/api/scripts/${e(p)}/run`, { args: [] }, { accept: 'application/json' })],
    },
    {
      name: 'token: script arguments (may run the script)',
      stride: 8,
      requests: (p) => [send('token', 'POST', '/api/scripts/check_disk_space.sh/run', { args: [p] }, { accept: 'application/json' })],
    },
    {
      name: 'token: app name and action',
      stride: 3,
      requests: (p) => [
        get('token', `/api/apps/${e(p)}`),
        send('token', 'POST', `/api/apps/${e(p)}/restart`),
        send('token', 'POST', `/api/apps/cigar/${e(p)}`),
      ],
    },
    {
      name: 'token: app and backup id of a restore, kept database names (may run systemctl show)',
      stride: 4,
      requests: (p) => [
        send('token', 'POST', `/api/backups/${e(p)}/restore`, { snapshot: '1a2b3c4d' }),
        send('token', 'POST', '/api/backups/cigar/restore', { snapshot: p, dryRun: true }),
        get('token', `/api/backups/${e(p)}/kept`),
        send('token', 'DELETE', `/api/backups/cigar/kept/${e(p)}`),
      ],
    },
    {
      name: 'token: app and schedule names of a run (nothing may start)',
      stride: 3,
      requests: (p) => [
        get('token', `/api/schedules?app=${e(p)}`),
        send('token', 'POST', `/api/schedules/${e(p)}/run`),
        send('token', 'POST', `/api/schedules/cigar/${e(p)}/run`, {}, { accept: 'application/json' }),
      ],
    },
    { name: 'token: agent release id', stride: 1, requests: (p) => [send('token', 'POST', `/api/agent/releases/${e(p)}/activate`)] },

    // The pages with a browser session.
    {
      name: 'session: logs page form (runs grep)',
      stride: 8,
      requests: (p) => [
        get('session', `/logs?source=cigar:production&grep=${e(p)}&since=${e(p)}&lines=${e(p)}`),
        get('session', `/logs?source=${e(p)}`),
      ],
    },
    {
      name: 'session: names in page paths',
      stride: 12,
      requests: (p) => [
        get('session', `/configs/${e(p)}`),
        get('session', `/configs/cigar/history/${e(p)}`),
        get('session', `/configs/cigar/diff?against=${e(p)}`),
        get('session', `/scripts/${e(p)}`),
        get('session', `/deploys/${e(p)}`),
        get('session', `/deploys/cigar/rollback?release=${e(p)}`),
        get('session', `/backups/${e(p)}`),
        get('session', `/backups/cigar/restore?snapshot=${e(p)}`),
        get('session', `/apps/${e(p)}/restart`),
        get('session', `/apps/cigar/${e(p)}`),
        get('session', `/agent/releases/${e(p)}/activate`),
      ],
    },
    {
      name: 'session: notices in page queries',
      stride: 12,
      requests: (p) => [
        get('session', `/agent?done=${e(p)}`),
        get('session', `/deploys/cigar?done=${e(p)}`),
        get('session', `/configs/cigar?done=${e(p)}`),
      ],
    },
    {
      name: 'session: lock form reason, then the page',
      stride: 16,
      requests: (p) => [
        form('/deploys/cigar/lock', { reason: p }),
        get('session', '/deploys/cigar'),
        { ...form('/deploys/cigar/unlock', {}), cleanup: true },
      ],
    },
    { name: 'session: deploy form ref and reason', stride: 4, requests: (p) => [form('/deploys/cigar', { ref: p, reason: p })] },
    { name: 'session: config form content (runs nginx -t)', stride: 8, requests: (p) => [form('/configs/cigar', { content: p, etag: p })] },
    {
      name: 'session: script form arguments (may run the script)',
      stride: 16,
      requests: (p) => [form('/scripts/check_disk_space.sh', { args: p })],
    },
    {
      name: 'session: forged CSRF token',
      stride: 4,
      requests: (p) => [form('/deploys/cigar/lock', { _csrf: p, reason: 'x' }), form('/apps/cigar/restart', { _csrf: p })],
    },
  ];
}
