import type { SiteHistory, SiteList } from '../api/configs.js';
import type { ApiClient } from '../client/api-client.js';
import { getSite, listSites, putSite, revertSite, siteBackup, siteDiff, siteHistory } from '../client/configs-client.js';
import { AgentError } from '../client/http.js';
import { openEditor, writeEditCopy } from '../platform/editor.js';
import { HmsError, isHmsError, UsageError } from '../core/errors.js';
// The agent's `diff -u`, a pure function: the laptop shows an edit the way the agent shows history.
import { unifiedDiff } from '../core/diff.js';
import type { Command, CommandContext, CommandOutput } from './command.js';
import { configHelp } from './help/index.js';
import { connect } from '../client/connect.js';
import type { LiveContext } from './logs.js';
import { formatBytes } from '../core/format.js';
import { table } from '../core/table.js';

const ACTIONS = ['list', 'show', 'edit', 'diff', 'history', 'revert'] as const;
type Action = (typeof ACTIONS)[number];

export const configCommand: Command = {
  ...configHelp,
  async run(context) {
    const [action = 'list', site, id] = context.args;
    if (!(ACTIONS as readonly string[]).includes(action))
      throw new UsageError(`Unknown config action "${action}".`, `Actions: ${ACTIONS.join(', ')}.`);
    if (action !== 'list' && !site)
      throw new UsageError(`Which site? \`hms config ${action} <site>\`.`, 'Run `hms config list` to see the names.');
    if (action === 'revert' && !id)
      throw new UsageError(
        `Which backup? \`hms config revert ${site} <backup-id>\`.`,
        `Run \`hms config history ${site}\` to see the ids.`,
      );
    const connected = await connect(context);
    try {
      return await perform(action as Action, { context, client: connected.client, site: site!, id });
    } finally {
      await connected.close();
    }
  },
};

interface Request {
  context: CommandContext;
  client: ApiClient;
  site: string;
  id: string | undefined;
}

async function perform(action: Action, { context, client, site, id }: Request): Promise<CommandOutput> {
  switch (action) {
    case 'list':
      return listing(await listSites(client));
    case 'show': {
      const live = await getSite(client, site);
      return { data: live, human: numbered(live.content) };
    }
    case 'history':
      return history(await siteHistory(client, site));
    case 'diff': {
      const against = id ?? (await siteHistory(client, site)).backups[0]?.id;
      if (!against)
        return { data: { name: site, against: null, diff: '' }, human: `${site} has no backups yet: it has not been changed through hms.` };
      const diff = await siteDiff(client, site, against);
      return {
        data: diff,
        human: diff.diff ? paint(diff.diff, colorOn(context, 'stdout')) : `${site} is the same as its backup ${diff.against}.`,
      };
    }
    case 'revert':
      return revert(context, client, site, id!);
    case 'edit':
      return editSite({
        client,
        site,
        env: context.env,
        confirm: (question) => context.confirm(question),
        note: (text) => context.note(text),
        color: colorOn(context, 'stderr'),
      });
  }
}

async function revert(context: CommandContext, client: ApiClient, site: string, id: string): Promise<CommandOutput> {
  const [backup, live] = await Promise.all([siteBackup(client, site, id), getSite(client, site)]);
  const diff = unifiedDiff(live.content, backup.content, { old: `${live.name} (live)`, new: `${live.name}@${backup.id}` });
  if (diff) context.note(paint(diff, colorOn(context, 'stderr')));
  if (!(await context.confirm(`Revert ${live.name} on ${client.server} to its backup ${backup.id}?`))) {
    return { data: { name: live.name, reverted: false }, human: 'Nothing done.', exitCode: 1 };
  }
  const change = await revertSite(client, live.name, backup.id, live.etag);
  const what = change.changed ? `nginx -t passed, reloaded, backup ${change.backupId}` : 'it already had that content, nothing changed';
  return { data: change, human: `Reverted ${live.name} to ${backup.id}: ${what}.\nNew etag: ${change.etag}` };
}

export interface EditSiteOptions {
  client: ApiClient;
  site: string;
  env: NodeJS.ProcessEnv;
  confirm(question: string): Promise<boolean>;
  note(text: string): void;
  color?: boolean;
}

/**
 * Edit a site in $EDITOR and put it live only if nobody changed it meanwhile (If-Match).
 * What was typed is never lost: the private copy goes only after a successful apply,
 * or when nothing was changed; every other ending says where it is.
 */
export async function editSite(options: EditSiteOptions): Promise<CommandOutput> {
  const { client } = options;
  const live = await getSite(client, options.site);
  const copy = await writeEditCopy(`${live.name}.conf`, live.content, options.env);
  const kept = `Your copy is kept at ${copy.file}.`;
  const code = await openEditor(copy.file, options.env).catch(async (error: unknown) => {
    await copy.discard(); // the editor never ran: nothing was typed
    throw error;
  });
  if (code !== 0) throw new HmsError(`The editor exited with code ${code}: nothing was sent to ${client.server}.`, { hint: kept });
  const edited = await copy.read();
  if (edited === live.content) {
    await copy.discard();
    return { data: { name: live.name, changed: false }, human: 'No changes.' };
  }
  options.note(
    paint(unifiedDiff(live.content, edited, { old: `${live.name} (live)`, new: `${live.name} (edited)` }), options.color ?? false),
  );
  try {
    if (!(await options.confirm(`Apply this change to ${live.name} on ${client.server}?`))) {
      return { data: { name: live.name, changed: false, copy: copy.file }, human: `Nothing applied. ${kept}`, exitCode: 1 };
    }
    const change = await putSite(client, live.name, edited, live.etag);
    await copy.discard();
    if (!change.changed) return { data: change, human: `${live.name} already had this content: nothing to apply.` };
    return { data: change, human: `Applied: nginx -t passed, reloaded, backup ${change.backupId}` };
  } catch (error) {
    throw notApplied(error, live.name, client.server, kept);
  }
}

function notApplied(error: unknown, site: string, server: string, kept: string): HmsError {
  const exitCode = isHmsError(error) ? error.exitCode : 1;
  if (error instanceof AgentError && error.status === 422) {
    const stderr = (error.details as { stderr?: string } | undefined)?.stderr ?? error.message;
    return new HmsError(`nginx -t refused the edit of ${site}; nothing changed on ${server}:\n${stderr}`, {
      hint: `${kept} Fix the line nginx names, run \`hms config edit ${site}\` again and bring your change over.`,
      cause: error,
    });
  }
  if (error instanceof AgentError && error.status === 412) {
    return new HmsError(`${site} changed on ${server} while you were editing it; your edit was not applied.`, {
      hint: `${kept} Run \`hms config edit ${site}\` to start from the current content and redo your change there.`,
      cause: error,
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  const hint = isHmsError(error) && error.hint ? `${error.hint} ${kept}` : kept;
  return new HmsError(`${message} (the edit of ${site} was not applied)`, { hint, cause: error, exitCode });
}

function listing(list: SiteList): CommandOutput {
  const rows = list.sites.map((site) => [site.name, formatBytes(site.size), site.modified, site.enabled ? 'yes' : 'no']);
  const problems = list.problems.map((p) => `note: ${p.name}: ${p.problem}`);
  return { data: list, human: [table(['SITE', 'SIZE', 'MODIFIED', 'ENABLED'], rows), ...problems].join('\n') };
}

function history(history: SiteHistory): CommandOutput {
  if (history.backups.length === 0)
    return { data: history, human: `${history.name} has no backups yet: it has not been changed through hms.` };
  const rows = history.backups.map((backup) => [backup.id, formatBytes(backup.size), backup.etag.replace(/"/g, '').slice(0, 12)]);
  return {
    data: history,
    human: `${table(['BACKUP', 'SIZE', 'ETAG'], rows)}\n\n\`hms config diff ${history.name} <backup>\` shows what changed since one.`,
  };
}

/** The file with its line numbers, as nginx's messages name them. */
export function numbered(content: string): string {
  const lines = content.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const width = String(lines.length).length;
  return lines.map((line, i) => `${String(i + 1).padStart(width)}  ${line}`).join('\n');
}

/** A unified diff in red and green, for a terminal only. */
export function paint(diff: string, color: boolean): string {
  const text = diff.replace(/\n$/, '');
  if (!color) return text;
  const style = (line: string): string => {
    if (line.startsWith('+++') || line.startsWith('---')) return `\u001b[1m${line}\u001b[22m`;
    if (line.startsWith('@@')) return `\u001b[36m${line}\u001b[39m`;
    if (line.startsWith('+')) return `\u001b[32m${line}\u001b[39m`;
    if (line.startsWith('-')) return `\u001b[31m${line}\u001b[39m`;
    return line;
  };
  return text.split('\n').map(style).join('\n');
}

function colorOn(context: CommandContext, stream: 'stdout' | 'stderr'): boolean {
  const target = (context as LiveContext)[stream] ?? process[stream];
  return Boolean((target as { isTTY?: boolean }).isTTY) && !context.env.NO_COLOR;
}
