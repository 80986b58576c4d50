/**
 * What hms uses of undici, for the bundle (build.mjs resolves `undici` here): undici's
 * index loads all of it at once (fetch, WebSocket, EventSource, cookies, caches,
 * mocks, proxies, HTTP/2), some 230 KB more to compile on every start of `hms`.
 * These are the same classes and the same `request` as undici's index gives
 * (its makeDispatcher, for the one form src/client/http.ts calls: a URL and options).
 * Tests and tsc see undici itself. A name imported from 'undici' that is not
 * exported here fails the build (esbuild: no matching export): add it here.
 */
import Agent from 'undici/lib/dispatcher/agent.js';
import Dispatcher from 'undici/lib/dispatcher/dispatcher.js';
import errors from 'undici/lib/core/errors.js';
import util from 'undici/lib/core/util.js';
import api from 'undici/lib/api/index.js';
import undiciGlobal from 'undici/lib/global.js';

Object.assign(Dispatcher.prototype, api);

function request(url, opts) {
  if (!url || (typeof url !== 'string' && typeof url !== 'object')) throw new errors.InvalidArgumentError('invalid url');
  if (opts != null && typeof opts !== 'object') throw new errors.InvalidArgumentError('invalid opts');
  const options = opts ?? (typeof url === 'object' ? url : {});
  if (options.path != null) throw new errors.InvalidArgumentError('opts.path: not supported here; give the whole URL');
  const parsed = util.parseURL(url);
  const { dispatcher = undiciGlobal.getGlobalDispatcher() } = options;
  return api.request.call(dispatcher, {
    ...options,
    origin: parsed.origin,
    path: parsed.search ? `${parsed.pathname}${parsed.search}` : parsed.pathname,
    method: options.method || (options.body ? 'PUT' : 'GET'),
  });
}

export { Agent, Dispatcher, errors, request };
