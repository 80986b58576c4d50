/**
 * A webhook's POST (node:http/https, one bounded attempt): 2xx is delivered, anything
 * else throws an error that names the URL's origin only (a Slack URL is a token).
 */
import { createHmac } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { DELIVERY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, type AlertPayload } from '../../../src/api/alerts.js';

export const ATTEMPT_TIMEOUT_MS = 10_000;

/** `sha256=<hex>` of HMAC-SHA256 under the channel's secret over `<timestamp>.<body>`. */
export function signature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** The origin of a URL, which is all that may be shown of it. */
export function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(an invalid URL)';
  }
}

export function signedHeaders(payload: AlertPayload, body: string, secret: string, at: Date): Record<string, string> {
  const timestamp = String(Math.floor(at.getTime() / 1000));
  return {
    [TIMESTAMP_HEADER]: timestamp,
    [DELIVERY_HEADER]: payload.delivery,
    [SIGNATURE_HEADER]: signature(secret, timestamp, body),
  };
}

export function postJson(url: string, body: string, headers: Record<string, string>, timeoutMs = ATTEMPT_TIMEOUT_MS): Promise<void> {
  const target = new URL(url);
  const where = target.origin;
  const client = target.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.destroy();
      if (error) reject(error);
      else resolve();
    };
    const request = client.request(
      target,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(body)),
          'user-agent': 'hms-alerts',
          ...headers,
        },
      },
      (response) => {
        const status = response.statusCode ?? 0;
        let answer = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          if (answer.length < 300) answer += chunk;
        });
        response.on('end', () =>
          finish(status >= 200 && status < 300 ? undefined : new Error(`${where} answered HTTP ${status}${said(answer, url)}`)),
        );
        response.on('error', (error) => finish(new Error(`${where}: ${error.message}`)));
      },
    );
    const timer = setTimeout(() => finish(new Error(`${where} did not answer within ${timeoutMs / 1000} s`)), timeoutMs);
    request.on('error', (error: NodeJS.ErrnoException) => finish(new Error(describe(error, where))));
    request.end(body);
  });
}

/** A short piece of the receiver's answer, never with the URL's secret part in it. */
function said(answer: string, url: string): string {
  const { pathname, search } = new URL(url);
  const secretParts = [url, `${pathname}${search}`, ...pathname.split('/').filter((part) => part.length >= 8), search.slice(1)];
  const text = secretParts
    .filter((part) => part.length > 1)
    .reduce((kept, part) => kept.split(part).join('(hidden)'), answer.replace(/\s+/g, ' ').trim())
    .slice(0, 200);
  return text ? `: ${text}` : '';
}

function describe(error: NodeJS.ErrnoException, where: string): string {
  if (error.code === 'ECONNREFUSED') return `${where} refused the connection (is the receiver running?)`;
  if (error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN') return `${where}: the host name does not resolve`;
  return `${where}: ${error.message}`;
}
