/**
 * plain-http.ts over real sockets on loopback: a node:http server (content-length and chunked
 * answers), and a raw TCP server for what node:http would not send (a close mid-body, silence,
 * a head split in pieces).
 */
import { createServer, type Server } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendWhole } from '../../src/client/http.js';
import { exchange, type PlainRequest } from '../../src/client/plain-http.js';
import type { Transport } from '../../src/client/transport.js';
import { HmsError } from '../../src/core/errors.js';

const get = (path: string, more: Partial<PlainRequest> = {}): PlainRequest => ({ method: 'GET', path, headers: {}, ...more });

async function listening<T extends Server | net.Server>(server: T): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

function connectTo(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

describe('plain-http: one request on one stream', () => {
  let http: Server;
  let raw: net.Server;
  let httpPort: number;
  let rawPort: number;
  const seen: Array<{ method?: string; url?: string; auth?: string; body: string }> = [];
  const big = 'x'.repeat(300_000);
  const rawSockets = new Set<net.Socket>();

  beforeAll(async () => {
    http = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      request.on('end', () => {
        seen.push({ method: request.method, url: request.url, auth: request.headers.authorization, body });
        if (request.url === '/length') return response.end(JSON.stringify({ ok: true, body }));
        if (request.url === '/chunked') {
          response.setHeader('transfer-encoding', 'chunked');
          response.write('{"parts":[');
          response.write('"a",');
          return setImmediate(() => response.end('"é"]}'));
        }
        if (request.url === '/big') return response.end(big);
        if (request.url === '/empty') return response.writeHead(204).end();
        response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"no such path"}');
      });
    });
    // Answers by the request's path: cut (a close mid-body), silent (never answers), pieces (the answer byte by byte).
    raw = net.createServer((socket) => {
      rawSockets.add(socket);
      socket.once('close', () => rawSockets.delete(socket));
      socket.once('data', (chunk) => {
        const path = chunk.toString('latin1').split(' ')[1];
        if (path === '/cut') socket.end('HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n{"half":');
        else if (path === '/cut-chunked') socket.end('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n');
        else if (path === '/until-close') socket.end('HTTP/1.1 200 OK\r\n\r\nall of it');
        else if (path === '/slow-body') socket.write('HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nabc');
        else if (path === '/pieces') {
          const answer =
            'HTTP/1.1 100 Continue\r\n\r\n' +
            'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-A: 1\r\nX-A: 2\r\n\r\n3;ext=1\r\nabc\r\n0\r\n\r\n';
          const bytes = Buffer.from(answer);
          let i = 0;
          const next = () => {
            if (i >= bytes.length) return;
            socket.write(bytes.subarray(i, i + 1));
            i += 1;
            setImmediate(next);
          };
          next();
        } else if (path === '/garbage') socket.end('SSH-2.0-OpenSSH\r\n\r\n');
        else if (path === '/length') socket.destroy(); // a holder killed under the request
      });
      socket.on('error', () => undefined);
    });
    httpPort = await listening(http);
    rawPort = await listening(raw);
  });
  afterAll(async () => {
    http?.closeAllConnections();
    await new Promise((resolve) => http?.close(resolve));
    for (const socket of rawSockets) socket.destroy();
    await new Promise((resolve) => raw?.close(resolve));
  });

  it('Given a content-length answer, When a POST with a body is sent, Then the answer and the body the server got', async () => {
    const answer = await exchange(await connectTo(httpPort), {
      method: 'POST',
      path: '/length',
      headers: { authorization: 'Bearer t0k', 'content-type': 'application/json' },
      body: '{"é":1}',
    });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toEqual({ ok: true, body: '{"é":1}' });
    expect(seen.at(-1)).toMatchObject({ method: 'POST', url: '/length', auth: 'Bearer t0k' });
  });

  it('Given a chunked answer in parts, When read, Then the chunks joined (UTF-8 across them)', async () => {
    const answer = await exchange(await connectTo(httpPort), get('/chunked'));
    expect(JSON.parse(answer.text)).toEqual({ parts: ['a', 'é'] });
  });

  it('Given a large answer, a 204 and a 404, When read, Then each whole, with its status and headers', async () => {
    expect((await exchange(await connectTo(httpPort), get('/big'))).text).toBe(big);
    expect(await exchange(await connectTo(httpPort), get('/empty'))).toMatchObject({ status: 204, text: '' });
    const missing = await exchange(await connectTo(httpPort), get('/nope'));
    expect(missing).toMatchObject({ status: 404, text: '{"error":"no such path"}' });
    expect(missing.headers['content-type']).toBe('application/json');
  });

  it('Given an answer byte by byte after a 100 Continue, with repeated headers and a chunk extension, Then it is read right', async () => {
    const answer = await exchange(await connectTo(rawPort), get('/pieces'));
    expect(answer).toMatchObject({ status: 200, text: 'abc' });
    expect(answer.headers['x-a']).toBe('1, 2');
  });

  it('Given an answer without length, When the server closes, Then all of it', async () => {
    expect((await exchange(await connectTo(rawPort), get('/until-close'))).text).toBe('all of it');
  });

  it('Given a server that closes mid-body (content-length or chunked), Then UND_ERR_SOCKET, as undici says it', async () => {
    for (const path of ['/cut', '/cut-chunked']) {
      const error = await exchange(await connectTo(rawPort), get(path)).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'UND_ERR_SOCKET', message: 'other side closed' });
    }
  });

  it('Given a server that never answers, or stops mid-body, Then the headers or body timeout, and the socket is closed', async () => {
    const silent = await connectTo(rawPort);
    const error = await exchange(silent, get('/silent', { headersTimeoutMs: 100 })).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'UND_ERR_HEADERS_TIMEOUT' });
    expect(silent.destroyed).toBe(true);
    const slow = await exchange(await connectTo(rawPort), get('/slow-body', { bodyTimeoutMs: 100 })).catch((e: unknown) => e);
    expect(slow).toMatchObject({ code: 'UND_ERR_BODY_TIMEOUT' });
  });

  it('Given something that is not HTTP, or an abort, Then an error, not a hang', async () => {
    const garbage = await exchange(await connectTo(rawPort), get('/garbage')).catch((e: unknown) => e);
    expect(garbage).toMatchObject({ code: 'HPE_INVALID_CONSTANT' });
    const controller = new AbortController();
    const pending = exchange(await connectTo(rawPort), get('/silent', { signal: controller.signal }));
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError', code: 'UND_ERR_ABORTED' });
  });

  it('Given a holder stream dropped mid-answer, When a GET is sent, Then it is sent once more and answered', async () => {
    let opened = 0;
    const transport: Transport = {
      via: 'ssh',
      baseUrl: 'http://hms-agent',
      dispatcher: () => Promise.reject(new Error('undici is not used for a whole answer')),
      // The first stream is a holder killed under the request; the second reaches the agent.
      open: () => connectTo(opened++ === 0 ? rawPort : httpPort),
      viaHolder: true,
      close: async () => undefined,
    };
    const retried = await sendWhole(transport, 'tok', 'web1', '/length');
    expect(retried.status).toBe(200);
    expect(opened).toBe(2);
    // A POST is not sent again: the agent may have acted on it.
    let posts = 0;
    const once: Transport = { ...transport, open: async () => (posts++, connectTo(rawPort)) };
    const error = await sendWhole(once, 'tok', 'web1', '/cut', { method: 'POST', body: {} }).catch((e: unknown) => e);
    expect(posts).toBe(1);
    expect(error).toBeInstanceOf(HmsError);
    expect((error as HmsError).message).toBe('Cannot reach the agent on web1 via ssh (UND_ERR_SOCKET).');
  });
});
