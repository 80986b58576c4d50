/**
 * What all five remote-cli-tools scripts promise alike: they are executable
 * bash with strict mode, document usage and the Nagios exit codes in --help,
 * refuse unknown options with exit 3, contain no eval, and pass shellcheck.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { OK, SCRIPTS, TOOLS_DIR, UNKNOWN, runTool, which } from './helpers.js';

describe.each(SCRIPTS)('%s', (script) => {
  const file = path.join(TOOLS_DIR, script);

  it('is an executable bash script in strict mode, without eval', () => {
    // Given the script file
    const source = readFileSync(file, 'utf8');
    // Then it can be executed directly, and runs under bash with errexit, nounset and pipefail
    expect(() => accessSync(file, constants.X_OK)).not.toThrow();
    expect(source.startsWith('#!/usr/bin/env bash\n')).toBe(true);
    expect(source).toMatch(/^set -euo pipefail$/m);
    // And it never evaluates strings as code
    const code = source
      .split('\n')
      .filter((line) => !line.trimStart().startsWith('#'))
      .join('\n');
    expect(code).not.toMatch(/(^|[\s;|&(])eval\s/);
  });

  it('--help shows usage, options and the fixed exit codes, and exits 0', async () => {
    // When a user asks for help
    const run = await runTool(script, ['--help']);
    // Then they see how to call it and what every exit code means
    expect(run.code).toBe(OK);
    expect(run.stdout).toContain(`Usage: ${script}`);
    expect(run.stdout).toMatch(/Exit codes:/);
    for (const line of [/^\s+0 OK\b/m, /^\s+2 CRITICAL\b/m, /^\s+3 UNKNOWN\b/m]) expect(run.stdout).toMatch(line);
    expect(run.stderr).toBe('');
  });

  it('refuses an unknown option with a message on stderr and exit 3', async () => {
    // When it is called with an option it does not know
    const run = await runTool(script, ['--no-such-option']);
    // Then it says so on stderr and exits UNKNOWN
    expect(run.code).toBe(UNKNOWN);
    expect(run.stderr).toContain('--no-such-option');
  });
});

describe('shellcheck', () => {
  it('reports nothing for any of the five scripts (no exclusions)', async (ctx) => {
    // Given shellcheck is installed
    const shellcheck = which('shellcheck');
    if (!shellcheck) ctx.skip('shellcheck is not installed: cannot lint the scripts here');
    // When it checks all five scripts
    const files = SCRIPTS.map((s) => path.join(TOOLS_DIR, s));
    const result = await new Promise<{ code: number; out: string }>((resolve) => {
      execFile(shellcheck as string, ['--severity=style', ...files], (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, out: `${stdout}${stderr}` });
      });
    });
    // Then it is clean
    expect(result.out).toBe('');
    expect(result.code).toBe(0);
  });
});
