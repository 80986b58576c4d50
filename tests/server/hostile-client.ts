/**
 * Sends a surface's requests to the agent process over loopback, as the three kinds
 * of client do: anonymous (with the login form's CSRF cookie), with the API token,
 * and with a logged-in browser session (cookie + CSRF token on every form). Answers
 * are read whole, except an event stream, which is read briefly and then hung up.
 */
import { csrfIn } from '../support/browser-session.js';
import { LOCAL_PASSWORD, LOCAL_TOKEN, LOCAL_USER } from '../support/agent-process.js';
import type { SurfaceRequest } from './hostile-surfaces.js';

export interface Answer {
  status: number;
  contentType: string;
  text: string;
}

const STREAM_READ_MS = 200;
const REQUEST_TIMEOUT_MS = 20_000;

function cookiesOf(response: Response): string {
  return response.headers
    .getSetCookie()
    .map((line) => line.split(';')[0]!)
    .join('; ');
}

async function readAnswer(response: Response): Promise<Answer> {
  const contentType = response.headers.get('content-type') ?? '';
  if (!contentType.startsWith('text/event-stream')) return { status: response.status, contentType, text: await response.text() };
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const deadline = Date.now() + STREAM_READ_MS;
  while (Date.now() < deadline) {
    const next = await Promise.race([
      reader.read(),
      new Promise<null>((resolve) => setTimeout(() => resolve(null), Math.max(0, deadline - Date.now()))),
    ]);
    if (next === null || next.done) break;
    text += decoder.decode(next.value, { stream: true });
  }
  await reader.cancel().catch(() => undefined);
  return { status: response.status, contentType, text };
}

export class HostileClient {
  private constructor(
    private readonly base: string,
    private readonly login: { cookie: string; csrf: string },
    private readonly session: { cookie: string; csrf: string },
  ) {}

  /** Opens the login form twice: one CSRF cookie for anonymous tries, one real login. */
  static async connect(base: string): Promise<HostileClient> {
    const loginForm = async () => {
      const page = await fetch(`${base}/login`);
      return { cookie: cookiesOf(page), csrf: csrfIn(await page.text()) };
    };
    const anonymous = await loginForm();
    const form = await loginForm();
    const loggedIn = await fetch(`${base}/login`, {
      method: 'POST',
      headers: { cookie: form.cookie },
      body: new URLSearchParams({ username: LOCAL_USER, password: LOCAL_PASSWORD, _csrf: form.csrf, next: '/' }),
      redirect: 'manual',
    });
    const cookie = cookiesOf(loggedIn);
    if (loggedIn.status !== 303 || !cookie.includes('hms_session='))
      throw new Error(`login failed: ${loggedIn.status} ${await loggedIn.text()}`);
    const audit = await fetch(`${base}/audit`, { headers: { cookie, accept: 'text/html' } });
    return new HostileClient(base, anonymous, { cookie, csrf: csrfIn(await audit.text()) });
  }

  /** The answer, or `unsendable` when the payload cannot be a header value at all (fetch refuses it). */
  async send(request: SurfaceRequest): Promise<Answer | 'unsendable'> {
    let headers: Headers;
    try {
      headers = new Headers(request.headers);
    } catch {
      return 'unsendable';
    }
    if (request.who === 'token') headers.set('authorization', `Bearer ${LOCAL_TOKEN}`);
    if (request.who === 'session') {
      headers.set('cookie', this.session.cookie);
      if (!headers.has('accept')) headers.set('accept', 'text/html');
    }
    if (request.who === 'anonymous' && request.path.startsWith('/login') && !headers.has('cookie'))
      headers.set('cookie', this.login.cookie);
    let body: string | URLSearchParams | undefined;
    if (request.json !== undefined) {
      headers.set('content-type', 'application/json');
      body = JSON.stringify(request.json);
    } else if (request.form) {
      const csrf = request.who === 'session' ? this.session.csrf : this.login.csrf;
      body = new URLSearchParams({ _csrf: csrf, ...request.form });
    }
    try {
      const response = await fetch(`${this.base}${request.path}`, {
        method: request.method,
        headers,
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      return await readAnswer(response);
    } catch (error) {
      // A header value undici will not put on the wire is not a request the agent ever sees.
      if (error instanceof TypeError && (error.cause as { code?: string } | undefined)?.code === 'UND_ERR_INVALID_ARG') return 'unsendable';
      throw error;
    }
  }
}
