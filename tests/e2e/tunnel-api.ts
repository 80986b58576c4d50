/**
 * The agent's API as the laptop reaches it in the e2e suites: HTTP through the SSH
 * tunnel's dispatcher, with the API token; the body parsed when it is JSON.
 */
import { request, type Dispatcher } from 'undici';

export interface ApiAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  json: any;
  text: string;
}

export type TunnelApi = (method: string, route: string, body?: unknown, headers?: Record<string, string>) => Promise<ApiAnswer>;

export function tunnelApi(dispatcher: Dispatcher, token: string): TunnelApi {
  return async (method, route, body, headers = {}) => {
    const response = await request(`http://agent${route}`, {
      method: method as Dispatcher.HttpMethod,
      dispatcher,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.body.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.statusCode, headers: response.headers, json, text };
  };
}
