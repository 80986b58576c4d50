/**
 * Restoring a snapshot from the browser: the confirmation page says what is replaced
 * and what is kept, and asks for the app's name typed out; the form is read back
 * into the API's restore request (restoreRequestSchema) only when the name matches.
 */
import { html } from 'hono/html';
import { restoreRequestSchema, snapshotIdSchema, type RestoreRequest } from '../../src/api/backups.js';
import { rowsLine } from '../../src/core/backup-render.js';
import { formatAgo, formatTime } from '../../src/core/format.js';
import type { Actor } from '../env.js';
import { ApiError } from '../errors.js';
import { backupsHref, type AppBackups } from './backups-page.js';
import { layout } from './layout.js';

/** The snapshot the confirmation asks about: one of the app's, by its full or short id. */
function restoreCandidate(view: AppBackups, wanted: string) {
  const id = snapshotIdSchema.safeParse(wanted);
  const snapshot = id.success ? view.snapshots.find((s) => s.id === id.data || s.shortId === id.data) : undefined;
  if (!snapshot) {
    throw new ApiError(404, `${view.name} has no snapshot ${JSON.stringify(wanted.slice(0, 64))}.`, {
      hint: 'Choose "Restore…" on a snapshot in the table.',
    });
  }
  return snapshot;
}

export function restoreConfirmPage(options: { view: AppBackups; snapshot: string; actor: Actor; now: Date }) {
  const { view, actor, now } = options;
  const snapshot = restoreCandidate(view, options.snapshot);
  const href = backupsHref(view.name);
  return layout(
    `Restore ${view.name} from ${snapshot.shortId}?`,
    html`<form method="post" action="${href}/restore" id="restore-form">
<input type="hidden" name="_csrf" value="${actor.csrf ?? ''}">
<input type="hidden" name="snapshot" value="${snapshot.id}">
<p>This replaces the live database of <strong>${view.name}</strong> with snapshot <code>${snapshot.shortId}</code> \
(${snapshot.kind}, taken ${formatTime(snapshot.time)}, ${formatAgo(snapshot.time, now)}; rows: ${rowsLine(snapshot.rows)}). \
Everything written to it since then is no longer live.</p>
<p>Nothing is lost: a backup of what is live now is taken first, and the replaced database is kept beside the new one \
(named <code>${view.name}_before_restore_…</code>, or the SQLite file's name and <code>.before_restore_…</code>) \
until someone drops it by hand.${
      snapshot.files
        ? ` Its uploaded files (${snapshot.files.folders.join(', ')}) replace the live ones the same way, \
the replaced folders kept as <code>&lt;folder&gt;.before_restore_…</code>.`
        : ''
    } \
${view.name} answers 503 (maintenance) while they are swapped.</p>
<label>Type <strong>${view.name}</strong> to confirm \
<input name="confirm" required autocomplete="off" autocapitalize="off" spellcheck="false" size="20"></label>
<p><button>Restore ${view.name} from ${snapshot.shortId}</button> <a href="${href}">Cancel</a></p>
</form>`,
    { actor },
  );
}

type Body = Record<string, unknown>;

/** The restore form as the API's request: the app's name typed out, and a snapshot id the schema accepts. */
export function restoreRequestOf(body: Body, app: string): RestoreRequest {
  const field = (name: string): string => (typeof body[name] === 'string' ? body[name].trim() : '');
  if (field('confirm') !== app) {
    throw new ApiError(400, `Type ${app} to confirm the restore: nothing was restored.`, {
      hint: 'The name must be typed exactly, to be sure of which app loses its live database.',
    });
  }
  const request = restoreRequestSchema.safeParse({ snapshot: field('snapshot') });
  if (!request.success) {
    throw new ApiError(400, `The snapshot ${request.error.issues[0]?.message ?? 'is not valid'}.`, {
      hint: 'Choose "Restore…" on a snapshot in the table.',
    });
  }
  return request.data;
}
