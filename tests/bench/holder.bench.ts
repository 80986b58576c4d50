/**
 * The connection that stays, measured in one run, alternating sample by sample so that the
 * machine's load hits every variant alike: `hms status --json` (the built CLI through its shebang
 * line) with its holder warm, and with no holder (stopped before each sample: the command connects
 * directly and starts one); OpenSSH's `ssh -o BatchMode=yes host systemctl show <units>` (a new
 * connection each time), and the same through a warm ControlMaster (ControlPersist).
 */
import { copyFile, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { request } from '../../src/holder/protocol.js';
import { exec } from '../../src/platform/exec.js';
import { stopTestHolders } from '../support/holders.js';
import type { HostingServer } from '../support/server-kit.js';
import type { TestServer } from '../support/test-server.js';
import { waitFor } from '../support/wait-for.js';
import { median, row, type Samples } from './measure.js';
import type { Figure } from './speed-table.js';

export async function benchHolder(
  server: TestServer,
  hosting: HostingServer,
  units: string[],
  runs = 15,
): Promise<{ lines: string[]; figures: Figure[] }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'hms-bench-holder-'));
  const runtime = path.join(dir, '.run');
  await mkdir(runtime, { mode: 0o700 });
  await copyFile(server.identityFile, path.join(dir, 'id_ed25519'));
  await copyFile(server.knownHostsFile, path.join(dir, 'known_hosts'));
  const config = {
    host: server.host,
    user: 'root',
    identityFile: 'id_ed25519',
    knownHostsFile: 'known_hosts',
    agentPort: hosting.agentPort,
  };
  await writeFile(path.join(dir, 'hms.config.json'), JSON.stringify({ servers: { test: config } }));
  const env = { PATH: process.env.PATH, HOME: dir, HMS_TOKEN: hosting.apiToken, XDG_RUNTIME_DIR: runtime };
  const ok = async (argv: string[]) => {
    const result = await exec(argv, { env, cwd: dir });
    if (result.code !== 0) throw new Error(`${argv.join(' ')}: ${result.stderr}`);
  };
  const hms = (...args: string[]) => ok([path.resolve('dist/hms.mjs'), ...args]);
  const holderAnswers = async () => {
    const socket = (await readdir(path.join(runtime, 'hms')).catch(() => [])).find((name) => name.endsWith('.sock'));
    if (!socket) return false;
    try {
      (await request(path.join(runtime, 'hms', socket), { v: 1, op: 'info' })).socket.destroy();
      return true;
    } catch {
      return false;
    }
  };
  const sshBase = ['ssh', '-i', server.identityFile, '-o', `UserKnownHostsFile=${server.knownHostsFile}`, '-o', 'BatchMode=yes'];
  const master = ['-o', 'ControlMaster=auto', '-o', `ControlPath=${path.join(dir, 'cm-%C')}`, '-o', 'ControlPersist=60'];
  const show = [`root@${server.host}`, 'systemctl', 'show', ...units];

  const variants: { samples: Samples; before?: () => Promise<void>; task: () => Promise<void> }[] = [
    {
      samples: { label: 'hms status --json, no holder (connects, starts one)', ms: [] },
      before: () => hms('disconnect'),
      task: () => hms('status', '--json'),
    },
    {
      samples: { label: 'hms status --json, holder warm', ms: [] },
      before: () => waitFor(holderAnswers, () => 'the holder to answer', 20_000),
      task: () => hms('status', '--json'),
    },
    // The floor: starting the CLI before any connection (what "warm" costs beyond it is the holder's part).
    { samples: { label: 'hms --version (the CLI start alone)', ms: [] }, task: () => hms('--version') },
    {
      samples: { label: `ssh host systemctl show <${units.length} units> (new connection)`, ms: [] },
      task: () => ok([...sshBase, ...show]),
    },
    { samples: { label: 'ssh through a warm ControlMaster', ms: [] }, task: () => ok([...sshBase, ...master, ...show]) },
  ];
  try {
    // Warm-up: the ControlMaster starts (and persists), the holder starts, caches fill.
    await ok([...sshBase, ...master, ...show]);
    await hms('status', '--json');
    for (let run = 0; run < runs; run += 1) {
      for (const variant of variants) {
        await variant.before?.();
        const started = process.hrtime.bigint();
        await variant.task();
        variant.samples.ms.push(Number(process.hrtime.bigint() - started) / 1e6);
      }
    }
  } finally {
    await exec([...sshBase, ...master, '-O', 'exit', `root@${server.host}`], { env, timeoutMs: 10_000 });
    await stopTestHolders([runtime]);
    await rm(dir, { recursive: true, force: true });
  }
  const [cold, warm, floor, ssh, controlMaster] = variants.map((variant) => variant.samples) as [
    Samples,
    Samples,
    Samples,
    Samples,
    Samples,
  ];
  const figure = (name: string, ours: Samples, base: Samples, baseline: string, limit: number): Figure => {
    const r = median(ours.ms) / median(base.ms);
    return {
      figure: name,
      baseline,
      value: `${median(ours.ms).toFixed(0)} ms vs ${median(base.ms).toFixed(0)} ms`,
      ratio: r,
      goal: `<= ${limit}x wall`,
      met: r <= limit,
    };
  };
  return {
    lines: [cold, warm, floor, ssh, controlMaster].map(row),
    figures: [
      figure('hms status --json, holder warm', warm, ssh, 'ssh host systemctl show <units>', 0.7),
      figure('hms status --json, no holder', cold, ssh, 'ssh host systemctl show <units>', 1.5),
      figure('hms status --json, holder warm', warm, controlMaster, 'ssh through a warm ControlMaster', 2),
    ],
  };
}
