import { writeFile, chmod } from 'node:fs/promises';
import { exec } from '../../../src/platform/exec.js';
import type { Host } from '../../../src/provision/host.js';

/**
 * This machine as the provisioning Host: the same argv run for real through the exec
 * door (no SSH needed to exercise a step's commands). Tests point a step's paths into
 * a temporary folder and apply only changes under it.
 */
export function localHost(): Host {
  const host: Host = {
    name: 'local',
    run: (argv, options) => exec(argv, options),
    async must(argv, what, options) {
      const result = await exec(argv, options);
      if (result.code !== 0) throw new Error(`${what} failed (${result.code}): ${result.stderr}`);
      return result.stdout;
    },
    async upload(content, path, mode) {
      await writeFile(path, content);
      await chmod(path, mode);
    },
  };
  return host;
}
