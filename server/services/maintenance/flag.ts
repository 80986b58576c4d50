/**
 * Maintenance mode of one app: a flag file, <maintenanceDir>/<app>, that the app's nginx
 * site tests on each request (`if (-f ...)`), answering 503 with Retry-After while it
 * is there, and the page it answers with, <maintenanceDir>/<app>.html. No reload, no
 * other site touched: the hosting site, the other apps and the ACME challenges keep
 * serving. Only the agent writes the folder (root's, 0755, so nginx can look); the app
 * name is a configured one before it gets here (names have no dots: no flag is a page).
 *
 * The flag says who put it there and why, as one JSON line: `restore` (a restore's swap,
 * ended by the restore, or at the agent's next start when it stopped midway) or `manual`
 * (`hms maintenance on`, ended only by `hms maintenance off`).
 */
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { AgentDeps } from '../../env.js';

export const maintenanceFlag = (deps: AgentDeps, app: string): string => path.join(deps.config.maintenanceDir, app);
const pageFile = (deps: AgentDeps, app: string): string => path.join(deps.config.maintenanceDir, `${app}.html`);

const flagSchema = z.object({
  at: z.string(),
  kind: z.enum(['restore', 'manual']),
  by: z.string(),
  why: z.string(),
  message: z.string().optional(),
});
export type MaintenanceFlag = z.infer<typeof flagSchema>;

const DEFAULT_MESSAGE = 'This site is down for maintenance and will be back shortly.';

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** The 503 page nginx answers with: the message alone, escaped, no script, no outside resource. */
export const maintenancePage = (app: string, message: string): string =>
  `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(app)}: maintenance</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40em; margin: 4em auto; padding: 0 1em">
<h1>Back soon</h1>
<p>${escapeHtml(message)}</p>
</body></html>
`;

async function writeAtomically(file: string, content: string): Promise<void> {
  await writeFile(`${file}.tmp`, content, { mode: 0o644 });
  await rename(`${file}.tmp`, file);
}

/** Puts the app in maintenance: its page first, then the flag nginx tests. */
export async function maintenanceOn(deps: AgentDeps, app: string, flag: Omit<MaintenanceFlag, 'at'>): Promise<void> {
  await mkdir(deps.config.maintenanceDir, { recursive: true, mode: 0o755 });
  await writeAtomically(pageFile(deps, app), maintenancePage(app, flag.message ?? DEFAULT_MESSAGE));
  await writeAtomically(maintenanceFlag(deps, app), `${JSON.stringify({ at: deps.clock().toISOString(), ...flag })}\n`);
}

export async function maintenanceOff(deps: AgentDeps, app: string): Promise<void> {
  await rm(maintenanceFlag(deps, app), { force: true });
  await rm(pageFile(deps, app), { force: true });
}

/** The app's flag; undefined when it serves. A flag in an older form reads as a restore's. */
export async function readMaintenance(deps: AgentDeps, app: string): Promise<MaintenanceFlag | undefined> {
  const text = await readFile(maintenanceFlag(deps, app), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    return flagSchema.parse(JSON.parse(text));
  } catch {
    return { at: text.split(' ')[0] ?? '', kind: 'restore', by: 'hms-agent', why: text.trim().slice(0, 200) };
  }
}

export const inMaintenance = async (deps: AgentDeps, app: string): Promise<boolean> => (await readMaintenance(deps, app)) !== undefined;

/** Every app whose flag is there, from one read of the folder (the apps' list asks for all of them on every poll). */
export async function appsInMaintenance(deps: AgentDeps): Promise<Set<string>> {
  const entries = await readdir(deps.config.maintenanceDir, { withFileTypes: true }).catch(() => []);
  return new Set(entries.filter((entry) => entry.isFile()).map((entry) => entry.name));
}

/**
 * At the agent's start: flags a restore left when the agent stopped mid-swap (killed, a
 * crash). The swap itself is one transaction, so the live database is whole either way.
 * A maintenance someone asked for stays.
 */
export async function clearLeftMaintenance(deps: AgentDeps): Promise<void> {
  const left = await readdir(deps.config.maintenanceDir).catch(() => [] as string[]);
  for (const app of left.filter((name) => Object.hasOwn(deps.config.apps, name))) {
    if ((await readMaintenance(deps, app))?.kind !== 'restore') continue;
    await maintenanceOff(deps, app);
    await deps.audit.record({
      actor: 'hms-agent',
      action: 'backup.restore',
      target: app,
      result: 'ok',
      detail: 'maintenance ended at the agent start: the restore that began it had stopped with the agent',
    });
  }
}
