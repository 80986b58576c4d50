/**
 * An ACME CA inside a test server: Debian's pebble (Let's Encrypt's test CA), with
 * pebble-challtestsrv as the DNS pebble asks, answering every name with the test
 * server's own address, so each HTTP-01 challenge is fetched from the server's nginx
 * on port 80 and validated for real. Test-host set-up, like a private CA on a network:
 * the server trusts the CA that signs pebble's own HTTPS listener (the system store, as
 * certbot reads it); provisioning knows only the directory URL. Both run as transient
 * units, so they end with the server.
 */
import type { TestServer } from '../support/test-server.js';

export const PEBBLE_DIRECTORY = 'https://localhost:14000/dir';
/** The names the ACME suites give their sites; the CA's DNS answers each with the test server. */
export const ACME_SITES = { cigar: 'cigar.remoteds.us', tobacco: 'tobacco.remoteds.us', hosting: 'hosting.remoteds.us' } as const;

/** hms.config.json of a laptop with cigar and tobacco on one server whose certificates come from pebble. */
export function acmeLaptopConfig(acme: object = {}): object {
  return {
    servers: {
      test: {
        host: '0.0.0.0',
        identityFile: 'id_ed25519',
        knownHostsFile: 'known_hosts',
        publicUrl: `https://${ACME_SITES.hosting}`,
        acme: { email: 'ops@remoteds.us', directory: PEBBLE_DIRECTORY, ...acme },
      },
    },
    apps: {
      cigar: { server: 'test', repo: '/srv/git/cigar.git', domain: ACME_SITES.cigar },
      tobacco: { server: 'test', repo: '/srv/git/tobacco.git', domain: ACME_SITES.tobacco },
    },
  };
}
const DIR = '/etc/hms-test-pebble';
const MANAGEMENT = 'https://localhost:15000';
const DNS_MANAGEMENT = 'http://127.0.0.1:8055';

export interface AcmeCa {
  /** PEM of the root pebble signs site certificates with (fresh per pebble start). */
  root(): Promise<string>;
  /** Points `host` at `address` in the CA's DNS (challtestsrv). */
  resolve(host: string, address: string): Promise<void>;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Kills pebble (SIGKILL) as soon as a challenge file appears in `dir`; true when it did, within 60 s. */
  killOnChallenge(dir: string): Promise<boolean>;
}

async function sh(server: TestServer, script: string, timeoutMs = 60_000): Promise<string> {
  const run = await server.exec(['sh', '-c', script], { timeoutMs });
  if (run.code !== 0) throw new Error(`${script.slice(0, 80)}: exit ${run.code}\n${run.stderr}${run.stdout}`);
  return run.stdout;
}

const LISTENER_TLS = [
  `mkdir -p ${DIR} && cd ${DIR}`,
  'openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=hms test ACME listener CA" -keyout ca.key -out ca.pem 2>/dev/null',
  'openssl req -newkey rsa:2048 -nodes -subj /CN=localhost -keyout listener.key -out listener.csr 2>/dev/null',
  "printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\\n' > san.ext",
  'openssl x509 -req -in listener.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -extfile san.ext -out listener.pem 2>/dev/null',
  'cp ca.pem /usr/local/share/ca-certificates/hms-test-acme-listener.crt && update-ca-certificates >/dev/null',
].join(' && ');

export async function startAcmeCa(server: TestServer): Promise<AcmeCa> {
  await sh(
    server,
    'apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends pebble ca-certificates curl openssl >/dev/null',
    240_000,
  );
  await sh(server, LISTENER_TLS);
  const config = {
    pebble: {
      listenAddress: '127.0.0.1:14000',
      managementListenAddress: '127.0.0.1:15000',
      certificate: `${DIR}/listener.pem`,
      privateKey: `${DIR}/listener.key`,
      httpPort: 80,
      tlsPort: 443,
      // Certificates that name a revocation responder, as a public CA's do (testssl.sh grades a
      // certificate without one HIGH); nothing answers there, so nginx staples nothing.
      ocspResponderURL: 'http://127.0.0.1:4002/',
      externalAccountBindingRequired: false,
    },
  };
  await server.exec(['sh', '-c', `cat > ${DIR}/config.json`], { input: JSON.stringify(config) });
  await sh(
    server,
    'systemd-run --quiet --unit=test-challtestsrv -p MemoryMax=256M pebble-challtestsrv ' +
      `-defaultIPv4 ${server.host} -defaultIPv6 "" -dns01 127.0.0.1:8053 -http01 "" -https01 "" -tlsalpn01 "" -management 127.0.0.1:8055`,
  );
  const ca: AcmeCa = {
    async start() {
      // Validate at once (pebble otherwise waits up to 15 s), no nonce rejected at random, every order validated anew.
      await sh(
        server,
        'systemd-run --quiet --unit=test-pebble -p MemoryMax=512M ' +
          '-E PEBBLE_VA_NOSLEEP=1 -E PEBBLE_WFE_NONCEREJECT=0 -E PEBBLE_AUTHZREUSE=0 ' +
          `pebble -config ${DIR}/config.json -dnsserver 127.0.0.1:8053`,
      );
      await sh(server, `for i in $(seq 100); do curl -sf -o /dev/null --max-time 2 ${PEBBLE_DIRECTORY} && exit 0; sleep 0.1; done; exit 1`);
    },
    async stop() {
      await sh(server, 'systemctl stop test-pebble.service; systemctl reset-failed test-pebble.service 2>/dev/null; true');
    },
    root: () => sh(server, `curl -sf --max-time 5 ${MANAGEMENT}/roots/0`),
    async killOnChallenge(dir) {
      const watch =
        `for i in $(seq 3000); do if [ -n "$(ls -A ${dir})" ]; then ` +
        'systemctl kill -s SIGKILL test-pebble.service; exit 0; fi; sleep 0.02; done; exit 1';
      return (await server.exec(['sh', '-c', watch], { timeoutMs: 90_000 })).code === 0;
    },
    async resolve(host, address) {
      // add-a adds to the name's addresses; clear-a first, so the name has this one only.
      await sh(server, `curl -sf --max-time 5 -X POST -d '${JSON.stringify({ host })}' ${DNS_MANAGEMENT}/clear-a`);
      await sh(server, `curl -sf --max-time 5 -X POST -d '${JSON.stringify({ host, addresses: [address] })}' ${DNS_MANAGEMENT}/add-a`);
    },
  };
  await ca.start();
  return ca;
}
