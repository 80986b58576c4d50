import { existsSync } from 'node:fs';
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { TestServer } from '../support/test-server.js';

/** Points the laptop in `dir` at `server`; the laptop keeps its one key, which the server's root accepts. */
export async function laptopFor(server: TestServer, dir: string): Promise<void> {
  if (!existsSync(path.join(dir, 'id_ed25519'))) {
    await copyFile(server.identityFile, path.join(dir, 'id_ed25519'));
    await copyFile(`${server.identityFile}.pub`, path.join(dir, 'id_ed25519.pub'));
  } else {
    await server.exec(['sh', '-c', 'cat >> /root/.ssh/authorized_keys'], {
      input: await readFile(path.join(dir, 'id_ed25519.pub'), 'utf8'),
    });
  }
  await copyFile(server.knownHostsFile, path.join(dir, 'known_hosts'));
  const config = JSON.parse(await readFile(path.join(dir, 'hms.config.json'), 'utf8'));
  config.servers.test.host = server.host;
  await writeFile(path.join(dir, 'hms.config.json'), JSON.stringify(config, null, 2));
}
