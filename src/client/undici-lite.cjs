'use strict';
/**
 * What hms uses of undici, for the bundle (build.mjs resolves `undici` here): undici's
 * index loads all of it at once (fetch, WebSocket, EventSource, cookies, caches,
 * mocks, proxies, HTTP/2), some 230 KB more to compile on every start of `hms`.
 * These are the same classes and the same `request` as undici's index gives
 * (its makeDispatcher, for the one form src/client/http.ts calls: a URL and options).
 * Tests and tsc see undici itself. A new import from 'undici' must be added here.
 */
const Agent = require('undici/lib/dispatcher/agent');
const Dispatcher = require('undici/lib/dispatcher/dispatcher');
const errors = require('undici/lib/core/errors');
const util = require('undici/lib/core/util');
const api = require('undici/lib/api');
const { getGlobalDispatcher } = require('undici/lib/global');

Object.assign(Dispatcher.prototype, api);

function request(url, opts) {
  if (!url || (typeof url !== 'string' && typeof url !== 'object')) throw new errors.InvalidArgumentError('invalid url');
  if (opts != null && typeof opts !== 'object') throw new errors.InvalidArgumentError('invalid opts');
  const options = opts ?? (typeof url === 'object' ? url : {});
  if (options.path != null) throw new errors.InvalidArgumentError('opts.path: not supported here; give the whole URL');
  const parsed = util.parseURL(url);
  const { dispatcher = getGlobalDispatcher() } = options;
  return api.request.call(dispatcher, {
    ...options,
    origin: parsed.origin,
    path: parsed.search ? `${parsed.pathname}${parsed.search}` : parsed.pathname,
    method: options.method || (options.body ? 'PUT' : 'GET'),
  });
}

module.exports = { Agent, Dispatcher, errors, request };
