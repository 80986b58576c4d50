/**
 * Faults made on a real test server for the alerts suites, each with its fix: an app's
 * unit killed (systemd restarts it), the sample app's health route made to fail (the
 * flag file its /up reads, tests/fixtures/sample-app), a small filesystem filled past a
 * threshold, a site's certificate replaced by one that expires in a few days. They act
 * on the server as root through nsenter, as an outage or an operator would, never
 * through hms: hms is what must notice.
 */
import type { TestServer } from '../support/test-server.js';

const CERTIFICATES_DIR = '/etc/hosting-api/certificates';

async function sh(server: TestServer, script: string, ...args: string[]): Promise<string> {
  const run = await server.exec(['sh', '-ec', script, 'fault', ...args], { timeoutMs: 60_000 });
  if (run.code !== 0)
    throw new Error(`fault on the test server failed: ${script.slice(0, 160)} ${args.join(' ')}\n${run.stderr}${run.stdout}`);
  return run.stdout;
}

/**
 * SIGKILL to every process of the unit, as the kernel's OOM killer or a segfault ends
 * a puma: the unit's result is "signal", so Restart=on-failure brings it back after
 * RestartSec. (SIGTERM would be a clean stop: puma exits 0, systemd leaves the unit
 * inactive and does not restart it, which is a stop, not a crash.)
 */
export async function killUnit(server: TestServer, unit: string): Promise<void> {
  await sh(server, 'systemctl kill --signal=SIGKILL -- "$1"', unit);
}

/** The unit's NRestarts and state, to see systemd bring it back. */
export async function unitState(server: TestServer, unit: string): Promise<{ restarts: number; active: string; sub: string }> {
  const out = await sh(server, 'systemctl show -p NRestarts,ActiveState,SubState --value -- "$1"', unit);
  const [restarts, active, sub] = out.trim().split('\n');
  return { restarts: Number(restarts), active: active ?? '', sub: sub ?? '' };
}

/** When systemd last saw the unit become active (ms since the epoch, to the second: systemctl's unix timestamps). */
export async function activeSince(server: TestServer, unit: string): Promise<number> {
  const out = await sh(server, 'systemctl show -p ActiveEnterTimestamp --value --timestamp=unix -- "$1"', unit);
  const seconds = Number(out.trim().replace(/^@/, ''));
  if (!Number.isFinite(seconds) || seconds <= 0) throw new Error(`${unit}: no ActiveEnterTimestamp (${out.trim()})`);
  return seconds * 1000;
}

/** The flag the sample app's /up answers 503 for while it exists (shared/tmp is every release's tmp). */
export const healthFlag = (app: string): string => `/var/www/${app}/shared/tmp/health-fail`;

export async function failHealth(server: TestServer, app: string): Promise<void> {
  await sh(server, 'touch -- "$1"', healthFlag(app));
}

export async function healHealth(server: TestServer, app: string): Promise<void> {
  await sh(server, 'rm -f -- "$1"', healthFlag(app));
}

/** A filesystem of `megabytes` MB (tmpfs) at `dir`, in the server's own mount namespace (gone with the server). */
export async function mountSmallDisk(server: TestServer, dir: string, megabytes = 8): Promise<void> {
  await sh(server, 'mkdir -p -- "$1" && mount -t tmpfs -o "size=$2m,mode=0755" hms-alerts-disk "$1"', dir, String(megabytes));
}

/** The percentage `df` reports as used (what an operator sees). */
export async function diskUsedPercent(server: TestServer, dir: string): Promise<number> {
  const out = await sh(server, 'df --output=pcent -- "$1" | tail -1', dir);
  return Number(out.trim().replace('%', ''));
}

/** Fills `dir`'s filesystem to about `percent` used with one file (dd of zeros: tmpfs counts the pages written). */
export async function fillDisk(server: TestServer, dir: string, percent: number): Promise<void> {
  const sizeKb = Number((await sh(server, 'df --output=size -k -- "$1" | tail -1', dir)).trim());
  const kb = Math.ceil((sizeKb * percent) / 100);
  await sh(server, 'dd if=/dev/zero of="$1/filler" bs=1k count="$2" status=none', dir, String(kb));
}

export async function emptyDisk(server: TestServer, dir: string): Promise<void> {
  await sh(server, 'rm -f -- "$1/filler"', dir);
}

/** The certificate and key files the agent reads for `site` (what `hms provision` listed in certificatesDir). */
async function siteFiles(server: TestServer, site: string): Promise<{ cert: string; key: string; domain: string }> {
  const [cert, key] = (await sh(server, 'cat -- "$1"', `${CERTIFICATES_DIR}/${site}`)).trim().split('\n');
  if (!cert?.startsWith('/') || !key?.startsWith('/')) throw new Error(`no certificate listed for ${site} in ${CERTIFICATES_DIR}`);
  const subject = await sh(server, 'openssl x509 -in "$1" -noout -subject -nameopt multiline', cert);
  const domain = /commonName\s*=\s*(\S+)/.exec(subject)?.[1] ?? site;
  return { cert, key, domain };
}

/**
 * Replaces `site`'s certificate with a self-signed one for the same name valid `days`
 * more days (5: an expiry under the 14-day warning; 90: a fresh one again). The one it
 * replaces is kept beside it (`.before-alerts`).
 */
export async function certificateValidFor(server: TestServer, site: string, days: number): Promise<{ cert: string; domain: string }> {
  const { cert, key, domain } = await siteFiles(server, site);
  await sh(
    server,
    '[ -e "$1.before-alerts" ] || cp -p -- "$1" "$1.before-alerts"; ' +
      'openssl req -x509 -newkey rsa:2048 -nodes -days "$3" -subj "/CN=$4" -addext "subjectAltName=DNS:$4" ' +
      '-keyout "$2.new" -out "$1.new" 2>/dev/null && chmod 600 "$2.new" && mv -f -- "$2.new" "$2" && mv -f -- "$1.new" "$1"',
    cert,
    key,
    String(days),
    domain,
  );
  return { cert, domain };
}
