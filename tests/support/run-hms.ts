import { execFile } from 'node:child_process';
import path from 'node:path';
import { holderRuntimeFor } from './holders.js';

export const HMS_BIN = path.resolve('dist/hms.mjs');

export interface HmsRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built `hms` as a user would, in `cwd`, with a clean HOME, and its connection holders in
 * a runtime folder of its own (unless XDG_RUNTIME_DIR is given), stopped after the test file (tests/support/holders.ts).
 */
export function runHms(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; input?: string }): Promise<HmsRun> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [HMS_BIN, ...args],
      {
        cwd: options.cwd,
        env: {
          PATH: process.env.PATH,
          HOME: options.cwd,
          XDG_CONFIG_HOME: path.join(options.cwd, '.xdg'),
          XDG_RUNTIME_DIR: options.env?.XDG_RUNTIME_DIR ?? holderRuntimeFor(options.cwd),
          ...options.env,
        },
        timeout: 900_000,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
    child.stdin?.end(options.input);
  });
}
