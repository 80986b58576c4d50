/**
 * `hms status --json` (the built CLI, a new process each time, like a script runs
 * it, through its shebang line; and as plain `node dist/hms.mjs`, without the Node
 * flags build.mjs gives it, for comparison) against OpenSSH's `ssh -o BatchMode=yes host systemctl show <units>` on the
 * same server in the same run.
 */
import { copyFile, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { exec } from '../../src/platform/exec.js';
import type { HostingServer } from '../support/server-kit.js';
import type { TestServer } from '../support/test-server.js';
import { ratio, row, sample } from './measure.js';

export async function benchStatus(server: TestServer, hosting: HostingServer, units: string[], runs = 15): Promise<string[]> {
  const ctx = { server, hosting };
  const dir = await mkdtemp(path.join(tmpdir(), 'hms-bench-status-'));
  await copyFile(ctx.server.identityFile, path.join(dir, 'id_ed25519'));
  await copyFile(ctx.server.knownHostsFile, path.join(dir, 'known_hosts'));
  await writeFile(
    path.join(dir, 'hms.config.json'),
    JSON.stringify({
      servers: {
        test: {
          host: ctx.server.host,
          user: 'root',
          identityFile: 'id_ed25519',
          knownHostsFile: 'known_hosts',
          agentPort: ctx.hosting.agentPort,
        },
      },
    }),
  );
  const env = { PATH: process.env.PATH, HOME: dir, HMS_TOKEN: ctx.hosting.apiToken };
  const ok = async (argv: string[], cwd?: string) => {
    const result = await exec(argv, { env, cwd });
    if (result.code !== 0) throw new Error(`${argv.join(' ')}: ${result.stderr}`);
  };
  const ssh = await sample(`OpenSSH: ssh -o BatchMode=yes host systemctl show <${units.length} units>`, runs, () =>
    ok([
      'ssh',
      '-i',
      ctx.server.identityFile,
      '-o',
      `UserKnownHostsFile=${ctx.server.knownHostsFile}`,
      '-o',
      'BatchMode=yes',
      `root@${ctx.server.host}`,
      'systemctl',
      'show',
      ...units,
    ]),
  );
  // `hms` as people run it (its shebang line, with the Node flags build.mjs gives it), and plain `node` for comparison.
  const hms = await sample('hms status --json (new process, SSH tunnel)', runs, () =>
    ok([path.resolve('dist/hms.mjs'), 'status', '--json'], dir),
  );
  const plain = await sample('node dist/hms.mjs status --json (no Node flags)', runs, () =>
    ok([process.execPath, path.resolve('dist/hms.mjs'), 'status', '--json'], dir),
  );
  return [
    row(ssh),
    row(hms),
    row(plain),
    ratio('hms status --json vs OpenSSH', hms, ssh, 'at most 1.5x'),
    ratio('without the Node flags', plain, ssh, 'at most 1.5x'),
  ];
}
