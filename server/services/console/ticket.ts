/**
 * `hms console <app>`: the agent (root) writes a ticket for one console session: the
 * app's environment as its unit gets it, its current release, `bin/rails console`; in
 * <consoleDir> (on /run: memory), a folder and file only the deploy user can open, under
 * a random name. The laptop's SSH session (as the deploy user, with a terminal) runs the
 * launcher on it within a minute (server/console-run.ts), which deletes it. Tickets
 * nobody used are removed on the next open. Opening is audited; what is typed is not.
 */
import { randomBytes } from 'node:crypto';
import { chown, mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ConsoleTicket, ConsoleTicketFile } from '../../../src/api/console.js';
import type { AgentDeps } from '../../env.js';
import { allowed, ApiError } from '../../errors.js';
import { deployEnvironment } from '../deploys/index.js';

export const TICKET_SECONDS = 60;
const CONSOLE_ARGV = ['bin/rails', 'console'];

/** Tickets older than their minute: nobody came for them. */
async function removeStale(dir: string, now: number): Promise<void> {
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const file = path.join(dir, name);
    const info = await stat(file).catch(() => undefined);
    if (info && now - info.mtimeMs > TICKET_SECONDS * 1000) await rm(file, { force: true });
  }
}

export async function openConsole(deps: AgentDeps, app: string, actor: string): Promise<ConsoleTicket> {
  const agentApp = allowed('app', app, deps.config.apps);
  const cwd = path.join(agentApp.root, 'current');
  // The release's owner is the user the app runs as (the deploy user): the ticket is theirs.
  const release = await stat(cwd).catch(() => undefined);
  if (!release?.isDirectory()) {
    throw new ApiError(409, `${app} has no release to open a console in yet (${cwd} does not exist).`, {
      hint: `Deploy it first: \`hms deploy ${app}\`.`,
    });
  }
  const { env } = await deployEnvironment(deps, agentApp.unit);
  delete env.GIT_SSH_COMMAND;
  const dir = deps.config.consoleDir;
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chown(dir, release.uid, release.gid);
  await removeStale(dir, Date.now());
  const expires = new Date(deps.clock().getTime() + TICKET_SECONDS * 1000).toISOString();
  const ticket: ConsoleTicketFile = {
    app,
    cwd,
    argv: CONSOLE_ARGV,
    env: Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined)),
    expires,
  };
  const file = path.join(dir, `${randomBytes(16).toString('hex')}.json`);
  await writeFile(file, JSON.stringify(ticket), { mode: 0o600, flag: 'wx' });
  await chown(file, release.uid, release.gid);
  await deps.audit.record({ actor, action: 'app.console', target: app, result: 'ok', detail: `opened: ${CONSOLE_ARGV.join(' ')}` });
  return { app, argv: [process.execPath, path.join(deps.config.installDir, 'current', 'hms-agent.mjs'), 'console-run', file], expires };
}
