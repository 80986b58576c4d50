import { HmsError } from '../core/errors.js';
import type { SshConnection } from '../ssh/connection.js';
import type { RemoteExecOptions, RemoteExecResult } from '../ssh/remote-exec.js';

/** The server as provisioning sees it: argv commands and atomic file writes, over SSH. */
export interface Host {
  name: string;
  run(argv: readonly string[], options?: RemoteExecOptions): Promise<RemoteExecResult>;
  /** Runs argv and throws with its stderr when it fails. */
  must(argv: readonly string[], what: string, options?: RemoteExecOptions): Promise<string>;
  upload(content: string | Buffer, path: string, mode: number): Promise<void>;
}

export function sshHost(name: string, connection: SshConnection): Host {
  const host: Host = {
    name,
    run: (argv, options) => connection.exec(argv, options),
    async must(argv, what, options) {
      const result = await connection.exec(argv, { timeoutMs: 15 * 60_000, ...options });
      if (result.code !== 0) {
        const output = (result.stderr.trim() || result.stdout.trim()).split('\n').slice(-15).join('\n');
        throw new HmsError(`${what} failed on ${name} (exit ${result.code ?? result.signal}):\n${output}`, {
          hint: `Fix the cause on the server, then run \`hms provision ${name}\` again: finished steps are skipped.`,
        });
      }
      return result.stdout;
    },
    upload: (content, path, mode) => connection.upload(content, path, mode),
  };
  return host;
}
