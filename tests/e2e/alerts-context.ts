/**
 * What the alerts suites and the alerts bench start from, reached through `hms` alone
 * as the README tells it: a laptop folder whose hms.config.json has cigar (the sample
 * app, on SQLite) and top-level `alerts` with fast looks and two channels, a webhook to
 * a real receiver on the host side of the veth (tests/e2e/alerts-receiver.ts) and
 * e-mail to postfix in the server (tests/e2e/alerts-mail.ts); `hms secrets init` makes
 * the webhook's signing secret; `hms full-deploy test` and `hms deploy cigar` on a bare
 * test server.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type AlertsResponse, alertsResponseSchema } from '../../src/api/alerts.js';
import { type HmsRun, runHms } from '../support/run-hms.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { mountSmallDisk } from './alerts-faults.js';
import { MAIL_CA_FILE, MAIL_DOMAIN, startMailServer } from './alerts-mail.js';
import { type Receiver, startReceiver } from './alerts-receiver.js';
import { type GitHost, startGitHost } from './git-host.js';
import { laptopFor } from './provision-laptop.js';

/** A filesystem of 8 MB in the server that the disk rule watches (and nothing else: / is the host's disk). */
export const SMALL_DISK = '/srv/alerts-disk';
export const RECIPIENTS = [`ops@${MAIL_DOMAIN}`, `oncall@${MAIL_DOMAIN}`];
export const SENDER = `hms@${MAIL_DOMAIN}`;

/** Fast looks for a test: units every 2 s, the slower facts every 10 s; nothing held back by a cooldown. */
export function alertsConfig(webhookUrl: string): object {
  return {
    intervalSeconds: 2,
    slowSeconds: 10,
    cooldownMinutes: 0,
    reminderMinutes: 600,
    rules: {
      unit: { restarts: 3, windowMinutes: 10, stableSeconds: 5 },
      health: { failures: 2, intervalSeconds: 2 },
      disk: { paths: [SMALL_DISK], warningPercent: 80, criticalPercent: 98 },
      certificate: { days: 14, criticalDays: 3 },
    },
    channels: {
      hook: { type: 'webhook', url: webhookUrl },
      mail: { type: 'email', host: '127.0.0.1', port: 25, starttls: true, caFile: MAIL_CA_FILE, from: SENDER, to: RECIPIENTS },
    },
  };
}

export interface AlertsLaptop {
  dir: string;
  server: TestServer;
  gitHost: GitHost;
  receiver: Receiver;
  hms(args: string[], env?: NodeJS.ProcessEnv): Promise<HmsRun>;
  /** `hms alerts --json`, parsed by the contract (exit 0, or 1 while an incident is open). */
  alerts(): Promise<AlertsResponse>;
  /** The webhook's signing secret as `hms secrets init` wrote it in the laptop's .secrets.json. */
  secret(): string;
  /** A command on the server over real ssh, as root, with the laptop's key. */
  ssh(command: string): Promise<HmsRun>;
  /** Commits `files` on cigar's main (its release.rb: see releaseRb) and pushes. */
  commit(files: Record<string, string>, message: string): Promise<string>;
  close(): Promise<void>;
}

export const releaseRb = (name: string, healthy = true): Record<string, string> => ({
  'config/initializers/release.rb': `SAMPLE_RELEASE = '${name}'\nSAMPLE_HEALTHY = ${healthy}\n`,
});

const must = (what: string, run: HmsRun): HmsRun => {
  if (run.code !== 0) throw new Error(`${what} failed (exit ${run.code}):\n${run.stderr}\n${run.stdout.slice(-4000)}`);
  return run;
};

export interface AlertsLaptopOptions {
  /** hms.config.json's `alerts` for the receiver's URL (default: alertsConfig, both channels). */
  alerts?: (webhookUrl: string) => object;
  /** Install postfix (default true; a config without the mail channel does not need it). */
  mail?: boolean;
}

/** Boots the server and deploys cigar with alerts on; about 2 min. `prefix` names the temp folder. */
export async function startAlertsLaptop(prefix: string, options: AlertsLaptopOptions = {}): Promise<AlertsLaptop> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  let server: TestServer | undefined;
  let gitHost: GitHost | undefined;
  let receiver: Receiver | undefined;
  let secret = '';
  const hms = (args: string[], env: NodeJS.ProcessEnv = {}) => runHms(args, { cwd: dir, env: { HMS_NO_KEYCHAIN: '1', ...env } });
  const close = async () => {
    await receiver?.stop();
    await gitHost?.stop();
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    server = await startTestServer({ aptCache: true });
    const on = server;
    receiver = await startReceiver(server.hostSideAddress, () => secret);
    const config = {
      servers: {
        test: { host: '0.0.0.0', identityFile: 'id_ed25519', knownHostsFile: 'known_hosts', packages: ['ruby-rails', 'ruby-sqlite3'] },
      },
      apps: { cigar: { server: 'test', repo: '/srv/git/cigar.git', domain: 'cigar.test' } },
      alerts: (options.alerts ?? alertsConfig)(receiver.url),
    };
    const configFile = path.join(dir, 'hms.config.json');
    await writeFile(configFile, JSON.stringify(config, null, 2));
    must('hms secrets init', await hms(['secrets', 'init']));
    const secrets = JSON.parse(await readFile(path.join(dir, '.secrets.json'), 'utf8'));
    secret = secrets.alert_channels?.hook?.secret ?? '';
    if (secret.length < 16) throw new Error('hms secrets init made no signing secret for the webhook (alert_channels.hook.secret)');
    await laptopFor(server, dir);
    gitHost = await startGitHost(server.hostSideAddress);
    await gitHost.create('cigar', releaseRb('one'), 'one');
    const deployable = JSON.parse(await readFile(configFile, 'utf8'));
    deployable.apps.cigar.repo = gitHost.url('cigar');
    await writeFile(configFile, JSON.stringify(deployable, null, 2));
    await mountSmallDisk(server, SMALL_DISK, 8);
    if (options.mail !== false) await startMailServer(server);
    must('hms full-deploy test', await hms(['full-deploy', 'test']));
    must('hms deploy cigar', await hms(['deploy', 'cigar']));
    const git = gitHost;
    return {
      dir,
      server,
      gitHost,
      receiver,
      hms,
      async alerts() {
        // Exit 1 says an incident is open; the JSON is the same.
        const run = await hms(['alerts', '--json']);
        if (run.code > 1 || run.stdout.trim() === '') must('hms alerts --json', run);
        return alertsResponseSchema.parse(JSON.parse(run.stdout));
      },
      secret: () => secret,
      ssh: (command) => sshRun(on, dir, command),
      commit: (files, message) => git.commit('cigar', files, message),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

function sshRun(server: TestServer, dir: string, command: string): Promise<HmsRun> {
  const argv = [
    '-i',
    path.join(dir, 'id_ed25519'),
    '-o',
    `UserKnownHostsFile=${path.join(dir, 'known_hosts')}`,
    '-o',
    'StrictHostKeyChecking=yes',
    '-o',
    'BatchMode=yes',
    `root@${server.host}`,
    command,
  ];
  return new Promise((resolve) => {
    execFile('ssh', argv, { timeout: 120_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}
