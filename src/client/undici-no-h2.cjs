/**
 * What the bundle gives undici's client for its HTTP/2 side (build.mjs): hms never sets allowH2, so
 * undici never offers h2 and never calls this; loading the real one costs node:http2, tls and crypto.
 */
module.exports = function connectH2() {
  throw new Error('HTTP/2 is not part of the hms build (allowH2 is never set)');
};
