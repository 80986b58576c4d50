/**
 * One browser's session against `app.request()`: a cookie jar that keeps
 * `name=value` from Set-Cookie, asks for HTML like a browser, and logs in through
 * the real login form. For route tests of the pages; no port, no real browser.
 */
import { TEST_PASSWORD, TEST_USER, type TestAgent } from './agent.js';

export class BrowserSession {
  private cookies = new Map<string, string>();
  constructor(private readonly agent: TestAgent) {}

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    if (!headers.has('accept')) headers.set('accept', 'text/html');
    const response = await this.agent.app.request(path, { ...init, headers });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [name, value] = pair!.split('=');
      if (/Max-Age=0/i.test(line) || value === '') this.cookies.delete(name!);
      else this.cookies.set(name!, value!);
    }
    return response;
  }

  async login(user = TEST_USER, password = TEST_PASSWORD, next = '/'): Promise<Response> {
    const page = await (await this.request('/login')).text();
    return this.request('/login', { method: 'POST', body: new URLSearchParams({ username: user, password, _csrf: csrfIn(page), next }) });
  }

  /** The page's text and status. */
  async page(path: string): Promise<{ status: number; text: string; response: Response }> {
    const response = await this.request(path);
    return { status: response.status, text: await response.text(), response };
  }

  /** Posts a form as a browser does (urlencoded), with the session's CSRF token unless `csrf: false`. */
  async submit(path: string, fields: Record<string, string>, options: { csrf?: boolean } = {}): Promise<Response> {
    const csrf: Record<string, string> = options.csrf === false ? {} : { _csrf: await this.csrf() };
    return this.request(path, { method: 'POST', body: new URLSearchParams({ ...csrf, ...fields }) });
  }

  async csrf(): Promise<string> {
    return csrfIn(await (await this.request('/audit')).text());
  }
}

export function csrfIn(page: string): string {
  return /name="_csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';
}

/** Browser-decoded value of `<input name=NAME value="...">` (the entities hono/html writes). */
export function inputValue(page: string, name: string): string | undefined {
  const match = new RegExp(`name="${name}" value="([^"]*)"`).exec(page);
  return match ? decodeEntities(match[1]!) : undefined;
}

/** A textarea's text as the browser sees it: entities decoded, the first newline dropped. */
export function textareaValue(page: string, name: string): string | undefined {
  const match = new RegExp(`<textarea[^>]*name="${name}"[^>]*>([\\s\\S]*?)</textarea>`).exec(page);
  return match ? decodeEntities(match[1]!.replace(/^\n/, '')) : undefined;
}

export function decodeEntities(text: string): string {
  return text.replace(/&(lt|gt|quot|#39|amp);/g, (_, name: string) => ({ lt: '<', gt: '>', quot: '"', '#39': "'", amp: '&' })[name]!);
}
