import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The folder holding the five scripts under test. */
export const TOOLS_DIR = path.resolve(import.meta.dirname, '../../remote-cli-tools');

export const SCRIPTS = ['parse_logs.sh', 'check_status.sh', 'restart_service.sh', 'check_disk_space.sh', 'check_ssl_certs.sh'] as const;
export type Script = (typeof SCRIPTS)[number];

/** Nagios exit codes, as every script documents them. */
export const OK = 0;
export const WARNING = 1;
export const CRITICAL = 2;
export const UNKNOWN = 3;

export interface ToolRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Added to (and overriding) a minimal environment: PATH, HOME, LANG. */
  env?: Record<string, string | undefined>;
  /** Run the script through this program instead of executing it directly (e.g. /usr/bin/time). */
  prefix?: string[];
  timeoutMs?: number;
  cwd?: string;
}

/**
 * Runs a script as the agent does: execFile with an argv array (no shell), a
 * small explicit environment, and the exit code as the main result.
 */
export function runTool(script: Script, args: string[], options: RunOptions = {}): Promise<ToolRun> {
  const file = path.join(TOOLS_DIR, script);
  const [cmd, ...cmdArgs] = options.prefix ? [...options.prefix, file, ...args] : [file, ...args];
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: os.tmpdir(),
    LANG: 'C.UTF-8',
  };
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return new Promise((resolve) => {
    execFile(
      cmd as string,
      cmdArgs,
      { env, cwd: options.cwd, timeout: options.timeoutMs ?? 120_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        let code = 0;
        if (error) code = typeof error.code === 'number' ? error.code : -1;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
  });
}

/** Parses the single JSON object a script prints with --json (fails the test if it is not one). */
export function parseJson(run: ToolRun): Record<string, unknown> {
  const text = run.stdout.trim();
  const parsed: unknown = JSON.parse(text);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`expected one JSON object on stdout, got: ${text.slice(0, 200)}`);
  }
  return parsed as Record<string, unknown>;
}

export function makeTempDir(prefix: string): string {
  return mkdtempSync(path.join(os.tmpdir(), `hms-${prefix}-`));
}

export function removeDir(dir: string | undefined): void {
  if (dir) rmSync(dir, { recursive: true, force: true });
}

export function writeFile(file: string, content: string | Buffer): string {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
  return file;
}

/** Writes an executable stand-in program (a bash script) named `name` into `binDir`. */
export function writeStub(binDir: string, name: string, body: string): string {
  const file = writeFile(path.join(binDir, name), `#!/usr/bin/env bash\n${body}\n`);
  chmodSync(file, 0o755);
  return file;
}

/** Absolute path of a program on PATH, or undefined. */
export function which(program: string): string | undefined {
  try {
    return execFileSync('bash', ['-c', 'command -v -- "$1"', 'which', program], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Local time formatted like the logs write it. */
export function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "2024-01-02T10:00:00" (Rails Logger::Formatter, local time). */
export function railsTime(d: Date): string {
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:` +
    `${pad(d.getSeconds())}`
  );
}
/** "2024/01/02 10:00:00" (nginx error.log, local time). */
export function nginxErrorTime(d: Date): string {
  return (
    `${d.getFullYear()}/${pad(d.getMonth() + 1)}/${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
  );
}
/** "02/Jan/2024:10:00:00 +0000" (nginx combined access log, local time). */
export function accessTime(d: Date): string {
  const off = -d.getTimezoneOffset();
  const sign = off >= 0 ? '+' : '-';
  const abs = Math.abs(off);
  return (
    `${pad(d.getDate())}/${MONTHS[d.getMonth()]}/${d.getFullYear()}:${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}` +
    ` ${sign}${pad(Math.floor(abs / 60))}${pad(abs % 60)}`
  );
}
