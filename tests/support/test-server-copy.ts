import { randomBytes } from 'node:crypto';
import { chmod, copyFile, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TAR_FLAGS } from './rootfs.js';
import { mountTmpfs } from './test-server-mounts.js';
import { runOk } from './test-server-process.js';

export interface CopyOptions {
  rootfsTar: string;
  rootDir: string;
  /** A private scratch directory of this server's, on the host. */
  workDir: string;
  name: string;
  containerAddress: string;
  authorizedKey: string;
  aptProxy?: string;
}

/** Unpacks a fresh copy of the rootfs and makes it this server's; returns its ed25519 host public key. */
export async function prepareCopy(opts: CopyOptions): Promise<string> {
  const root = opts.rootDir;
  await mountTmpfs(root, '8G');
  // RSA key generation takes as long as the untar; do both at once.
  const keyPrefix = join(opts.workDir, 'host-keys');
  await Promise.all([runOk(['tar', ...TAR_FLAGS, '-C', root, '-xpf', opts.rootfsTar]), generateHostKeys(keyPrefix)]);
  await installHostKeys(join(keyPrefix, 'etc/ssh'), join(root, 'etc/ssh'));
  await rm(keyPrefix, { recursive: true });
  await writeFile(join(root, 'etc/hostname'), `${opts.name}\n`);
  // debootstrap writes none; this is what Debian's installer writes, so that sudo and
  // friends can resolve the machine's own name.
  await writeFile(join(root, 'etc/hosts'), `127.0.0.1\tlocalhost\n127.0.1.1\t${opts.name}\n::1\tlocalhost ip6-localhost ip6-loopback\n`);
  await writeFile(join(root, 'etc/machine-id'), `${randomBytes(16).toString('hex')}\n`);
  await mkdir(join(root, 'root/.ssh'), { recursive: true, mode: 0o700 });
  await chmod(join(root, 'root/.ssh'), 0o700);
  await writeFile(join(root, 'root/.ssh/authorized_keys'), opts.authorizedKey, { mode: 0o600 });
  // Sorts before nspawn's 80-container-host0.network, which would ask for DHCP nobody serves.
  await writeFile(
    join(root, 'etc/systemd/network/10-host0.network'),
    `[Match]\nName=host0\n\n[Network]\nAddress=${opts.containerAddress}/30\nLinkLocalAddressing=no\nIPv6AcceptRA=no\n`,
  );
  if (opts.aptProxy) {
    await writeFile(join(root, 'etc/apt/apt.conf.d/01proxy'), `Acquire::http::Proxy "${opts.aptProxy}";\n`);
  }
  return (await readFile(join(root, 'etc/ssh/ssh_host_ed25519_key.pub'), 'utf8')).trim();
}

// The cached tar has no host keys (rootfs.ts removes them): every copy gets all three
// kinds of its own, as a freshly installed Debian server would, so servers differ by key.
async function generateHostKeys(prefix: string): Promise<void> {
  await mkdir(join(prefix, 'etc/ssh'), { recursive: true, mode: 0o700 });
  await runOk(['ssh-keygen', '-A', '-f', prefix]);
}

async function installHostKeys(from: string, sshDir: string): Promise<void> {
  for (const file of (await readdir(sshDir)).filter((f) => f.startsWith('ssh_host_'))) await rm(join(sshDir, file));
  for (const file of await readdir(from)) {
    await copyFile(join(from, file), join(sshDir, file));
    await chmod(join(sshDir, file), file.endsWith('.pub') ? 0o644 : 0o600);
  }
}
