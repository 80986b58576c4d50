/**
 * Certificates on a bare server: `hms full-deploy` with servers.test.acme pointing at
 * pebble in the server's namespace (tests/e2e/acme-ca.ts, challenges validated for
 * real). Prints the time from a bare server to every site on a valid certificate, the
 * time from provisioning's end to that point (goal: within 20 s), the ACME step's own
 * time, and the time of a forced renewal of every site, against bare `certbot renew
 * --force-renewal` on the same server as the baseline.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ACME_SITES, acmeLaptopConfig, startAcmeCa } from '../e2e/acme-ca.js';
import { laptopFor } from '../e2e/provision-laptop.js';
import { runHms } from '../support/run-hms.js';
import { startTestServer } from '../support/test-server.js';

const SITES = Object.values(ACME_SITES);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export async function benchCerts(): Promise<string[]> {
  const dir = await mkdtemp(path.join(tmpdir(), 'hms-bench-certs-'));
  const server = await startTestServer({ aptCache: true });
  try {
    const config = acmeLaptopConfig();
    await writeFile(path.join(dir, 'hms.config.json'), JSON.stringify(config, null, 2));
    const hms = (args: string[]) => runHms(args, { cwd: dir, env: { HMS_NO_KEYCHAIN: '1' } });
    if ((await hms(['secrets', 'init'])).code !== 0) throw new Error('hms secrets init failed');
    await laptopFor(server, dir);
    const ca = await startAcmeCa(server);
    await server.exec(['sh', '-c', 'cat > /root/pebble-root.pem'], { input: await ca.root() });
    const verified = async () => {
      for (const name of SITES) {
        const check = await server.exec([
          'sh',
          '-c',
          `openssl s_client -connect 127.0.0.1:443 -servername ${name} -verify_hostname ${name} ` +
            '-CAfile /root/pebble-root.pem -verify_return_error </dev/null 2>&1 | grep -q "Verify return code: 0 (ok)"',
        ]);
        if (check.code !== 0) return false;
      }
      return true;
    };

    const started = performance.now();
    const run = await hms(['provision', 'test']);
    const provisioned = performance.now();
    if (run.code !== 0) throw new Error(`hms provision failed:\n${run.stderr}${run.stdout}`);
    while (!(await verified())) {
      if (performance.now() - provisioned > 120_000) throw new Error('the sites are not on valid certificates 120 s after provisioning');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const valid = performance.now();
    const step = /The certificate hook; ACME certificates.*?([\d.]+) s$/m.exec(run.stderr)?.[1];

    const renewStart = performance.now();
    const renew = await hms(['certs', 'renew', '--force']);
    const renewMs = performance.now() - renewStart;
    if (renew.code !== 0) throw new Error(`hms certs renew --force failed:\n${renew.stderr}${renew.stdout}`);
    const bareStart = performance.now();
    const bare = await server.exec(['certbot', 'renew', '--force-renewal', '--non-interactive', '--no-random-sleep-on-renew'], {
      timeoutMs: 600_000,
    });
    const bareMs = performance.now() - bareStart;
    if (bare.code !== 0) throw new Error(`certbot renew failed:\n${bare.stderr}`);
    return [
      `bare server -> every site (${SITES.length}) on a valid certificate: ${seconds(valid - started)} ` +
        `(hms provision, ACME step ${step ?? '?'} s)`,
      `provisioning's end -> every site valid: ${seconds(valid - provisioned)} (goal: within 20 s)`,
      `forced renewal of every site, hms certs renew --force: ${seconds(renewMs)}; ` +
        `bare certbot renew --force-renewal (no random sleep): ${seconds(bareMs)} (x${(renewMs / bareMs).toFixed(2)})`,
    ];
  } finally {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
