/**
 * The environment a deploy's commands run in: a minimal one (never the agent's own),
 * plus the app unit's Environment= and EnvironmentFile= so `rake db:migrate` sees the
 * same RAILS_ENV, SECRET_KEY_BASE and database settings as puma does, plus git's
 * SSH command when the deploy key is there. Values are never logged nor streamed.
 */
import { access, readFile } from 'node:fs/promises';
import { parseEnvFile } from '../../../src/core/env-file.js';
import type { AgentDeps } from '../../env.js';
import { DEPLOY_KEY, DEPLOY_USER, gitSshCommand, unitEnvironmentArgv } from './argv.js';

export interface DeployEnvironment {
  env: NodeJS.ProcessEnv;
  /** For the step output: where the variables came from, never their values. */
  notes: string[];
}

const BASE_ENV = {
  PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  LANG: 'C.UTF-8',
  HOME: `/home/${DEPLOY_USER}`,
  RAILS_ENV: 'production',
  RACK_ENV: 'production',
  GIT_TERMINAL_PROMPT: '0',
};

export async function deployEnvironment(deps: AgentDeps, unit: string, options: { deployKey?: string } = {}): Promise<DeployEnvironment> {
  const notes: string[] = [];
  const env: NodeJS.ProcessEnv = { ...BASE_ENV };
  const shown = await deps.exec(unitEnvironmentArgv(unit), { timeoutMs: 10_000, maxOutputBytes: 64 * 1024 }).catch(() => null);
  if (shown?.code === 0) {
    await addUnitEnvironment(shown.stdout, unit, env, notes);
  } else {
    notes.push(`could not read ${unit}'s environment (systemctl show failed); using RAILS_ENV=production`);
  }
  const key = options.deployKey ?? DEPLOY_KEY;
  if (
    await access(key).then(
      () => true,
      () => false,
    )
  ) {
    env.GIT_SSH_COMMAND = gitSshCommand(key);
    notes.push(`git uses the deploy key ${key}`);
  } else {
    notes.push(
      `no deploy key at ${key} that the agent can see: git fetches without one ` +
        "(a private repository needs it, and the agent's unit must not hide /home: ProtectHome=read-only)",
    );
  }
  return { env, notes };
}

/** A unit's Environment= and then its EnvironmentFile= variables (from `systemctl show`) added to env, as systemd does. */
async function addUnitEnvironment(shown: string, unit: string, env: NodeJS.ProcessEnv, notes: string[]): Promise<void> {
  const { inline, files } = parseUnitEnvironment(shown);
  Object.assign(env, inline);
  if (Object.keys(inline).length > 0) notes.push(`${Object.keys(inline).length} variables from ${unit}'s Environment=`);
  for (const file of files) {
    const text = await readFile(file.path, 'utf8').catch(() => null);
    if (text === null) {
      notes.push(`${file.path} (EnvironmentFile of ${unit}) ${file.optional ? 'is missing; skipped as systemd does' : 'cannot be read'}`);
      continue;
    }
    const vars = parseEnvFile(text);
    Object.assign(env, vars);
    notes.push(`${Object.keys(vars).length} variables from ${file.path}`);
  }
}

/**
 * The units' own variables (Environment= and EnvironmentFile=, not the deploy's base) with ONE `systemctl show`
 * for them all (a process per unit made GET /api/backups wait ~20 ms per app). A unit missing from the answer
 * (the call failed, or an alias shown under its real Id) is absent: the caller asks deployEnvironment for it.
 */
export async function unitEnvironments(deps: AgentDeps, units: string[]): Promise<Map<string, NodeJS.ProcessEnv>> {
  const found = new Map<string, NodeJS.ProcessEnv>();
  if (units.length === 0) return found;
  const argv = ['systemctl', 'show', '--no-pager', '-p', 'Id', '-p', 'Environment', '-p', 'EnvironmentFiles', '--', ...units];
  const shown = await deps.exec(argv, { timeoutMs: 10_000, maxOutputBytes: 1024 * 1024 }).catch(() => null);
  if (shown?.code !== 0) return found;
  // One block per unit, in the order asked, separated by an empty line.
  for (const block of shown.stdout.split(/\n\n+/)) {
    const id = /^Id=(.+)$/m.exec(block)?.[1]?.trim();
    if (!id || !units.includes(id) || found.has(id)) continue;
    const env: NodeJS.ProcessEnv = {};
    await addUnitEnvironment(block, id, env, []);
    found.set(id, env);
  }
  return found;
}

/** `systemctl show -p Environment -p EnvironmentFiles` as data. */
export function parseUnitEnvironment(stdout: string): {
  inline: Record<string, string>;
  files: Array<{ path: string; optional: boolean }>;
} {
  const inline: Record<string, string> = {};
  const files: Array<{ path: string; optional: boolean }> = [];
  for (const line of stdout.split('\n')) {
    if (line.startsWith('Environment=')) {
      for (const word of splitWords(line.slice('Environment='.length))) {
        const equals = word.indexOf('=');
        if (equals > 0 && isVariableName(word.slice(0, equals))) inline[word.slice(0, equals)] = word.slice(equals + 1);
      }
    } else if (line.startsWith('EnvironmentFiles=')) {
      // "EnvironmentFiles=/etc/hosting-api/env/cigar.env (ignore_errors=yes)"
      const match = /^EnvironmentFiles=(\/\S+)(?: \(ignore_errors=(yes|no)\))?$/.exec(line.trim());
      if (match) files.push({ path: match[1]!, optional: match[2] === 'yes' });
    }
  }
  return { inline, files };
}

// The app env files are read as systemd reads them (src/core/env-file.ts): a value hms wrote quoted comes back verbatim.
export { parseEnvFile };

function isVariableName(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name);
}

/** Space-separated words; double-quoted words keep their spaces (systemctl quotes those). */
function splitWords(text: string): string[] {
  return [...text.matchAll(/"((?:[^"\\]|\\.)*)"|(\S+)/g)].map((m) => (m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2]!));
}
