/**
 * The troubleshooting scripts the agent may run: every executable `*.sh` directly in
 * scriptsDir, read at request time, named by its base name without `.sh`
 * (`check_disk_space`; `check_disk_space.sh` names it too). A user's name is only
 * looked up in that list; a symlink that resolves outside scriptsDir is left out.
 */
import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { knownScriptName, type ScriptList } from '../../../src/api/scripts.js';
import type { AgentDeps } from '../../env.js';
import { allowed } from '../../errors.js';
import { describeScript } from './describe.js';

/** Names that stay boring in a URL and a log line. */
const SCRIPT_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/;

export interface ScriptFile {
  name: string;
  /** The real path, inside the real scriptsDir. */
  file: string;
}

function isInside(dir: string, file: string): boolean {
  const relative = path.relative(dir, file);
  return relative !== '' && relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative);
}

async function scriptFileFor(dir: string, entry: string): Promise<string | null> {
  const real = await realpath(path.join(dir, entry)).catch(() => null);
  if (real === null || !isInside(dir, real)) return null;
  const info = await stat(real);
  return info.isFile() && (info.mode & 0o111) !== 0 ? real : null;
}

/** The allow-list as it is now: name -> real path. */
export async function findScripts(scriptsDir: string): Promise<Record<string, string>> {
  const dir = await realpath(scriptsDir).catch(() => null);
  if (dir === null) return {};
  const scripts: Record<string, string> = {};
  for (const entry of (await readdir(dir)).sort()) {
    const name = entry.slice(0, -'.sh'.length);
    if (!entry.endsWith('.sh') || !SCRIPT_NAME.test(name)) continue;
    const file = await scriptFileFor(dir, entry);
    if (file !== null) scripts[name] = file;
  }
  return scripts;
}

/** `name` may end in `.sh` (`check_status.sh`), as the file on disk is named. */
export async function resolveScript(scriptsDir: string, name: string): Promise<ScriptFile> {
  const scripts = await findScripts(scriptsDir);
  const known = knownScriptName(name, Object.keys(scripts));
  return { name: known, file: allowed('script', known, scripts) };
}

export async function listScripts(options: { deps: AgentDeps }): Promise<ScriptList> {
  const scripts = await findScripts(options.deps.config.scriptsDir);
  return {
    scripts: await Promise.all(
      Object.entries(scripts).map(async ([name, file]) => ({ name, description: await describeScript({ deps: options.deps, file }) })),
    ),
  };
}
