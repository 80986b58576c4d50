/**
 * The SSH door against OpenSSH on the same test server in the same run:
 * connect + exec `true`, and exec `true` on an open connection.
 */
import { exec } from '../../src/platform/exec.js';
import { connectSsh } from '../../src/ssh/connection.js';
import type { TestServer } from '../support/test-server.js';
import { ratio, row, sample } from './measure.js';

export async function benchSsh(server: TestServer, runs = 20): Promise<string[]> {
  const target = { host: server.host, port: 22, user: 'root', identityFile: server.identityFile, knownHostsFile: server.knownHostsFile };
  const opensshArgs = [
    '-i',
    server.identityFile,
    '-o',
    `UserKnownHostsFile=${server.knownHostsFile}`,
    '-o',
    'StrictHostKeyChecking=yes',
    '-o',
    'BatchMode=yes',
    '-o',
    'ControlMaster=no',
    `root@${server.host}`,
  ];
  const openssh = await sample('OpenSSH `ssh host true` (new connection)', runs, () => exec(['ssh', ...opensshArgs, 'true']));
  const ours = await sample('hms SSH door: connect + exec true + close', runs, async () => {
    const connection = await connectSsh(target);
    await connection.exec(['true']);
    connection.close();
  });
  const connection = await connectSsh(target);
  const reused = await sample('hms SSH door: exec true on an open connection', runs * 5, () => connection.exec(['true']));
  connection.close();
  return [
    row(openssh),
    row(ours),
    row(reused),
    ratio('connect + exec vs OpenSSH', ours, openssh),
    ratio('exec on the reused connection vs OpenSSH', reused, openssh),
  ];
}
