/** One Debian package a provisioning step needs for itself: whether it is installed, and installing it. */
import type { Host } from './host.js';

export async function packageInstalled(host: Host, name: string): Promise<boolean> {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own format, not a template
  const result = await host.run(['dpkg-query', '-W', '-f=${db:Status-Status}', name]);
  return result.code === 0 && result.stdout.trim() === 'installed';
}

/** apt-get update, then the package without its recommends; `what` names the step in an error. */
export async function installPackage(host: Host, name: string, what: string): Promise<void> {
  const env = ['env', 'DEBIAN_FRONTEND=noninteractive', 'LANG=C.UTF-8'];
  await host.must([...env, 'apt-get', 'update', '-q'], 'apt-get update');
  await host.must([...env, 'apt-get', 'install', '-y', '-q', '--no-install-recommends', name], what);
}
