/**
 * A site change is a transaction: lock, lint (nginx-lint.ts), stage + fsync, `nginx -t` on the staged copy,
 * backup, atomic swap, reload, health check. Any failure after the swap puts the
 * previous file back and reloads again. Temp files go on every path; every outcome
 * for an allow-listed site is audited.
 */
import { readFile } from 'node:fs/promises';
import type { ChangeFailure, SiteChange } from '../../../src/api/configs.js';
import type { AgentDeps } from '../../env.js';
import { ApiError } from '../../errors.js';
import { keepBackup, readBackup } from './backups.js';
import { removeQuietly, replaceFile, stageFile, swapIn } from './files.js';
import { withSitesLock } from './lock.js';
import { lintSite } from './lint.js';
import { reloadNginx, ReloadFailure } from './reload.js';
import { etagOf, resolveSite, type SiteFile } from './sites.js';
import { testStagedSite } from './check.js';

interface NewContent {
  content: Buffer;
  /** Where the content came from, for the audit log. */
  note?: string;
}

interface ChangeOptions {
  deps: AgentDeps;
  actor: string;
  site: string;
  ifMatch: string | undefined;
  action: 'config.update' | 'config.revert';
  load: (site: SiteFile) => Promise<NewContent>;
}

/** RFC 9110 If-Match: strong comparison, `*` matches any current file. Bare hex is accepted too. */
export function ifMatchAccepts(header: string, etag: string): boolean {
  return header
    .split(',')
    .map((tag) => tag.trim())
    .some((tag) => tag === '*' || tag === etag || `"${tag}"` === etag);
}

export async function updateSite(options: {
  deps: AgentDeps;
  actor: string;
  site: string;
  content: string;
  ifMatch: string | undefined;
}): Promise<SiteChange> {
  const content = Buffer.from(options.content, 'utf8');
  return changeSite({ ...options, action: 'config.update', load: async () => ({ content }) });
}

export async function revertSite(options: {
  deps: AgentDeps;
  actor: string;
  site: string;
  id: string;
  ifMatch: string | undefined;
}): Promise<SiteChange> {
  const load = async (site: SiteFile): Promise<NewContent> => {
    const backup = await readBackup({ stateDir: options.deps.config.stateDir, site: site.name, id: options.id });
    return { content: backup.bytes, note: `reverted to ${backup.id}` };
  };
  return changeSite({ ...options, action: 'config.revert', load });
}

async function changeSite(options: ChangeOptions): Promise<SiteChange> {
  const { deps } = options;
  let note: string | undefined;
  const record = (result: 'ok' | 'failed' | 'refused', detail: string) =>
    deps.audit.record({ actor: options.actor, action: options.action, target: options.site, result, detail });
  try {
    const site = await resolveSite(deps.config.nginx, options.site);
    if (options.action === 'config.update' && options.ifMatch === undefined) {
      throw new ApiError(428, `Changing site "${site.name}" needs an If-Match header with the etag you edited.`, {
        hint: `GET /api/configs/${site.name}, edit its content, and send its ETag back in If-Match.`,
      });
    }
    const lock = { stateDir: deps.config.stateDir, actor: options.actor, site: site.name, clock: deps.clock };
    const next = await options.load(site);
    note = next.note;
    const change = await withSitesLock(lock, () => applyChange(deps, site, options.ifMatch, next.content));
    const what = change.changed ? `backup ${change.backupId}` : 'unchanged, not reloaded';
    await record('ok', [note, what].filter(Boolean).join('; '));
    return change;
  } catch (error) {
    if (deps.config.nginx.sites.includes(options.site)) await record(auditResult(error), auditDetail(error, note));
    throw error;
  }
}

async function applyChange(deps: AgentDeps, site: SiteFile, ifMatch: string | undefined, content: Buffer): Promise<SiteChange> {
  const current = await readFile(site.file);
  const etag = etagOf(current);
  if (ifMatch !== undefined && !ifMatchAccepts(ifMatch, etag)) {
    throw new ApiError(412, `Site "${site.name}" changed since you read it (If-Match ${ifMatch.slice(0, 80)} is not ${etag}).`, {
      hint: `GET /api/configs/${site.name} again, redo your edit on the current content, and send the new ETag.`,
      details: { etag },
    });
  }
  const newEtag = etagOf(content);
  if (newEtag === etag) return { name: site.name, etag, changed: false, backupId: null };

  // Before nginx -t reads it as root: no files outside nginx's folders, no code-running modules.
  await lintSite({ nginx: deps.config.nginx, stateDir: deps.config.stateDir, site: site.name, content: content.toString('utf8') });
  const staged = await stageFile(site.file, content);
  try {
    await testStagedSite({ deps, site, staged });
    const backupId = await keepBackup({ stateDir: deps.config.stateDir, site: site.name, content: current, clock: deps.clock });
    try {
      await swapIn(staged, site.file);
      await reloadNginx(deps);
    } catch (error) {
      throw await restorePrevious(deps, site, current, error);
    }
    return { name: site.name, etag: newEtag, changed: true, backupId };
  } finally {
    await removeQuietly(staged);
  }
}

/** Puts `previous` back (staged + rename, like any change), reloads, and says what happened. */
async function restorePrevious(deps: AgentDeps, site: SiteFile, previous: Buffer, cause: unknown): Promise<ApiError> {
  const failure: ChangeFailure = {
    stage: cause instanceof ReloadFailure ? cause.stage : 'swap',
    error: cause instanceof Error ? cause.message : String(cause),
    restored: false,
  };
  let restoreError: string | undefined;
  try {
    await replaceFile(site.file, previous);
    await reloadNginx(deps);
    failure.restored = true;
  } catch (error) {
    restoreError = error instanceof Error ? error.message : String(error);
  }
  const unit = deps.config.nginx.unit;
  return new ApiError(502, `The new ${site.name} config passed nginx -t but the ${failure.stage} failed: ${failure.error}`, {
    cause,
    details: restoreError ? { ...failure, restoreError } : failure,
    hint: failure.restored
      ? `The previous file is live again and nginx was reloaded. Check \`journalctl -u ${unit}\` before trying again.`
      : `Restoring the previous file failed too (${restoreError}). ` +
        `Check ${site.file} and \`systemctl status ${unit}\` now; the previous content is in the site's history.`,
  });
}

function auditResult(error: unknown): 'failed' | 'refused' {
  return error instanceof ApiError && error.status < 500 ? 'refused' : 'failed';
}

function auditDetail(error: unknown, note: string | undefined): string {
  const message = error instanceof Error ? error.message : String(error);
  const details = error instanceof ApiError ? (error.details as { stderr?: string; restored?: boolean } | undefined) : undefined;
  const parts = [note, message, details?.stderr, details?.restored === undefined ? undefined : `restored: ${details.restored}`];
  return parts.filter(Boolean).join('\n');
}
