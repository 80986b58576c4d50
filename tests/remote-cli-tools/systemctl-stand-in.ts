/**
 * Stand-ins for systemctl, for the scripts that call it on a machine where systemd
 * is not PID 1 (this development/CI machine): bash stubs in a temp folder that record
 * their argv and print what systemd 252 prints, and a PATH without systemctl at all.
 * These check the scripts' parsing and decisions, not systemd itself.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { writeStub } from './helpers.js';

export const systemdIsPid1 = existsSync('/run/systemd/system');

/** Stand-ins made in the folder `tmp()` gives (read when called: a beforeAll makes it). */
export function systemctlStandIns(tmp: () => string) {
  /** A bin folder whose systemctl records each call (one line of argv) into `calls`. */
  function recordingSystemctl(name: string, body: string): { env: Record<string, string>; calls: () => string[] } {
    const dir = path.join(tmp(), name);
    const callsFile = path.join(dir, 'calls');
    writeStub(dir, 'systemctl', `printf '%s\\n' "$*" >>'${callsFile}'\n${body}`);
    return {
      env: { PATH: `${dir}:${process.env.PATH}` },
      calls: () => (existsSync(callsFile) ? readFileSync(callsFile, 'utf8').trim().split('\n').filter(Boolean) : []),
    };
  }

  /** A PATH holding every program of this machine except systemctl. */
  let noSystemctlDir: string | undefined;
  function pathWithoutSystemctl(): string {
    if (noSystemctlDir) return noSystemctlDir;
    const dir = path.join(tmp(), 'no-systemctl');
    mkdirSync(dir, { recursive: true });
    const seen = new Set<string>();
    for (const source of ['/usr/local/bin', '/usr/bin', '/bin', '/usr/sbin', '/sbin']) {
      if (!existsSync(source)) continue;
      for (const entry of readdirSync(source)) {
        if (entry === 'systemctl' || seen.has(entry)) continue;
        seen.add(entry);
        symlinkSync(path.join(source, entry), path.join(dir, entry));
      }
    }
    noSystemctlDir = dir;
    return dir;
  }

  return { recordingSystemctl, pathWithoutSystemctl };
}
