/**
 * `hms console cigar` to the first Rails console prompt, as a person sees it in a real
 * terminal (tmux), on a server `hms full-deploy` provisioned and `hms deploy` deployed
 * (tests/bench/deployed-cigar.ts). Baseline in the same run, alternated with it: what
 * one would type instead, `ssh -t root@server` with the app's environment file read, the
 * release as the folder, RAILS_ENV=production, and `bin/rails console` as the deploy
 * user, also under a PTY. Rails' own boot is in both. Goal: hms under 3 s.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { HMS_BIN } from '../support/run-hms.js';
import { startTestServer } from '../support/test-server.js';
import { SHELL_PROMPT, startTmux, type Tmux } from '../support/tmux.js';
import { deployCigar } from './deployed-cigar.js';
import { median, ratio, row, type Samples } from './measure.js';

const RUNS = 5;
const PROMPT = /irb\(main\):001:0>\s*$/m;
const GOAL_MS = 3000;

const lastLine = (screen: string): string => screen.trimEnd().split('\n').at(-1) ?? '';

/** Types `line`, and times Enter to the console's first prompt; Ctrl-D then ends it. */
async function toPrompt(tmux: Tmux, line: string): Promise<number> {
  await tmux.run('clear');
  await tmux.waitFor((s) => lastLine(s) === SHELL_PROMPT.trim());
  await tmux.type(line);
  const started = performance.now();
  await tmux.keys('Enter');
  await tmux.waitFor(PROMPT, 60_000, 5);
  const ms = performance.now() - started;
  await tmux.keys('C-d');
  await tmux.waitFor((s) => lastLine(s) === SHELL_PROMPT.trim(), 30_000);
  return ms;
}

export async function benchConsole(runs = RUNS): Promise<string[]> {
  const dir = await mkdtemp(path.join(tmpdir(), 'hms-bench-console-'));
  const server = await startTestServer({ aptCache: true });
  let tmux: Tmux | undefined;
  let stopGitHost = async () => undefined as unknown;
  try {
    const { gitHost } = await deployCigar(server, dir);
    stopGitHost = () => gitHost.stop();
    const envFiles = await server.exec(['systemctl', 'show', '-p', 'EnvironmentFiles', '--value', 'cigar.service']);
    const envFile = envFiles.stdout.trim().split(/\s+/)[0];
    if (!envFile?.startsWith('/')) throw new Error(`cigar.service has no environment file: ${envFiles.stdout}${envFiles.stderr}`);
    const remote =
      `cd /var/www/cigar/current && set -a && . ${envFile} && set +a && ` +
      'exec runuser -u deploy -- env RAILS_ENV=production bin/rails console';
    const ssh =
      `ssh -tt -i ${dir}/id_ed25519 -o UserKnownHostsFile=${dir}/known_hosts -o StrictHostKeyChecking=yes ` +
      `-o BatchMode=yes root@${server.host} '${remote}'`;
    tmux = await startTmux({ cwd: dir, env: { HOME: dir, XDG_CONFIG_HOME: `${dir}/.xdg`, HMS_NO_KEYCHAIN: '1' } });
    const ours: Samples = { label: 'hms console cigar -> first prompt', ms: [] };
    const bare: Samples = { label: 'ssh -t root@server bin/rails console', ms: [] };
    // One of each first: the release's files into the page cache, sshd's first session.
    await toPrompt(tmux, `${HMS_BIN} console cigar`);
    await toPrompt(tmux, ssh);
    for (let i = 0; i < runs; i += 1) {
      bare.ms.push(await toPrompt(tmux, ssh));
      ours.ms.push(await toPrompt(tmux, `${HMS_BIN} console cigar`));
    }
    const goal = median(ours.ms) < GOAL_MS ? 'met' : 'NOT met';
    return [
      row(bare),
      row(ours),
      ratio('hms console / ssh', ours, bare),
      `${'hms console, first prompt (goal: < 3 s)'.padEnd(56)} ${(median(ours.ms) / 1000).toFixed(2)} s, ${goal}; ` +
        `hms adds ${(median(ours.ms) - median(bare.ms)).toFixed(0)} ms`,
    ];
  } finally {
    await tmux?.kill();
    await stopGitHost();
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/** `npx tsx tests/bench/console.bench.ts`: this bench alone (after `npm run build`). */
if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve('tests/bench/console.bench.ts')) {
  for (const line of await benchConsole()) console.log(line);
}
