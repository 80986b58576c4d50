import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { explainAcmeFailure, gradeCertificate } from '../../src/core/certificates.js';
import { parseSecrets } from '../../src/secrets/file.js';

const server = { host: 'example.org', acme: { email: 'ops@example.org' } };
const withApp = (app: object, acme: object = server.acme) =>
  JSON.stringify({
    servers: { prod: { ...server, acme } },
    apps: { cigar: { server: 'prod', repo: 'r', domain: 'cigar.example.org', ...app } },
  });

describe('certificates as every view grades them', () => {
  it('Given days left and the last attempt, When graded, Then under 21 days warns, under 7 or a failed renewal is critical', () => {
    expect(gradeCertificate(60, { at: 'x', ok: true })).toBe('ok');
    expect(gradeCertificate(20, undefined)).toBe('warning');
    expect(gradeCertificate(6, { at: 'x', ok: true })).toBe('critical');
    expect(gradeCertificate(80, { at: 'x', ok: false })).toBe('critical');
  });

  it('Given certbot failing for each reason, When explained, Then each names the cause and the command to run next', () => {
    const cases: Array<[string, string, RegExp]> = [
      [
        'Type:   connection\n  Detail: 10.0.0.2: Fetching http://c/x: Connection refused',
        'port-80-closed',
        /port 80 .*points at this server/,
      ],
      [
        'Type:   unauthorized\n  Detail: Invalid response from http://c/x: 404',
        'not-pointing-here',
        /another server.*Point cigar\.example\.org/,
      ],
      ['Type:   dns\n  Detail: NXDOMAIN looking up A for cigar.example.org', 'dns', /does not resolve.*Add an A\/AAAA record/],
      [
        '"type": "urn:ietf:params:acme:error:rateLimited", "detail": "too many certificates"',
        'rate-limit',
        /rate limit.*letsencrypt-staging/,
      ],
      [
        "requests.exceptions.ConnectionError: HTTPSConnectionPool(host='ca', port=443): Max retries exceeded",
        'acme-server-down',
        /could not be reached/,
      ],
      [
        'AttributeError: can\'t set attribute\n"type": "urn:ietf:params:acme:error:connection",\n"detail": "10.0.0.9: Connection refused"',
        'port-80-closed',
        /the CA said: 10\.0\.0\.9: Connection refused/,
      ],
    ];
    for (const [output, kind, message] of cases) {
      const explained = explainAcmeFailure(output, 'cigar', 'cigar.example.org');
      expect(explained.kind, output).toBe(kind);
      expect(explained.message, output).toMatch(message);
      expect(explained.message, output).toMatch(/hms certs renew cigar/);
    }
  });
});

describe('names that become paths and nginx directives', () => {
  it('Given a hostile app domain, When the config is parsed, Then it is refused naming the key', () => {
    for (const domain of ['../../etc', 'a b.example.org', 'x;reboot', 'evil.org/..', '-x.example.org']) {
      expect(() => parseConfig(withApp({ domain }), 'hms.config.json'), domain).toThrow(
        /hms\.config\.json: apps\.cigar\.domain: must be a domain name/,
      );
    }
    expect(() => parseConfig(withApp({ domain: 'cigar.example.org' }), 'hms.config.json')).not.toThrow();
  });

  it('Given a hostile ACME setting, When parsed, Then it is refused naming the key', () => {
    expect(() => parseConfig(withApp({}, { email: 'x@y.z --server http://evil' }), 'h.json')).toThrow(/servers\.prod\.acme\.email/);
    expect(() => parseConfig(withApp({}, { email: 'ops@example.org', directory: 'http://ca.example.org/dir' }), 'h.json')).toThrow(
      /servers\.prod\.acme\.directory: must be letsencrypt, letsencrypt-staging or an https:\/\/ directory URL/,
    );
    const parsed = parseConfig(withApp({}), 'h.json');
    expect(parsed.servers.prod?.acme).toEqual({ email: 'ops@example.org', directory: 'letsencrypt', enabled: true, hstsMaxAge: 0 });
  });

  it('Given a hostile ssl_config entry in .secrets.json, When read, Then it is refused naming the key', () => {
    const secrets = (entry: object) => JSON.stringify({ ssl_config: { cigar: entry } });
    expect(() => parseSecrets(secrets({ domain: '../x', cert_path: '/a.crt', key_path: '/a.key' }), '.secrets.json')).toThrow(
      /ssl_config\.cigar\.domain/,
    );
    expect(() => parseSecrets(secrets({ domain: 'c.org', cert_path: '/etc/../x.crt', key_path: '/a.key' }), '.secrets.json')).toThrow(
      /ssl_config\.cigar\.cert_path/,
    );
    expect(() => parseSecrets(secrets({ domain: 'c.org', cert_path: '/a b.crt', key_path: '/a.key' }), '.secrets.json')).toThrow(
      /ssl_config\.cigar\.cert_path/,
    );
  });
});
