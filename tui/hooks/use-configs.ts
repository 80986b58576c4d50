/**
 * nginx sites on the current server: the list, one site's live text, and an edit:
 * a private copy opened in $EDITOR (the terminal is lent to it), the diff, then
 * applied with the etag it started from (If-Match). A refused change stays in
 * place with its reason; the copy is only deleted once applied or unchanged.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { SiteContent, SiteList } from '../../src/api/configs.js';
import type { ApiClient } from '../../src/client/api-client.js';
import { getSite, listSites, putSite } from '../../src/client/configs-client.js';
import { editorArgv, openEditor, writeEditCopy, type EditCopy } from '../../src/platform/editor.js';
import { configProblem, type Draft } from '../state/config-review.js';
import { lineDiff } from '../../src/core/diff.js';
import type { TuiSession } from '../session.js';
import { errorNotice, type Notify } from './use-notice.js';

export interface Configs {
  list?: SiteList | undefined;
  listError?: string | undefined;
  live?: SiteContent | undefined;
  liveError?: string | undefined;
  draft?: Draft | undefined;
  /** What is going on (the editor is open, applying). */
  busy?: string | undefined;
  edit(site: string): Promise<void>;
  apply(site: string): Promise<void>;
  reload(): void;
}

export function useConfigs(
  session: Pick<TuiSession, 'terminal' | 'keptEdits' | 'env'>,
  client: ApiClient | undefined,
  server: string,
  site: string | undefined,
  active: boolean,
  notify: Notify,
): Configs {
  const [list, setList] = useState<SiteList>();
  const [listError, setListError] = useState<string>();
  const [live, setLive] = useState<SiteContent & { server: string }>();
  const [liveError, setLiveError] = useState<string>();
  const [busy, setBusy] = useState<string>();
  const [, setVersion] = useState(0);
  const drafts = useRef(new Map<string, { draft: Draft; copy: EditCopy }>());
  const [reloads, setReloads] = useState(0);
  const rebase = useRef<string | undefined>(undefined);
  const key = `${server}/${site ?? ''}`;
  const bump = (): void => setVersion((v) => v + 1);

  useEffect(() => {
    if (!client || !active) return;
    let current = true;
    listSites(client).then(
      (sites) => current && (setList(sites), setListError(undefined)),
      (e: unknown) => current && setListError(errorNotice(e).text),
    );
    return () => {
      current = false;
    };
  }, [client, active, reloads]);

  useEffect(() => {
    if (!client || !site) return;
    let current = true;
    setLiveError(undefined);
    const rebasing = rebase.current === key;
    rebase.current = undefined;
    getSite(client, site).then(
      (content) => {
        if (!current) return;
        setLive({ ...content, server });
        const kept = drafts.current.get(key);
        // Only on `u` (after a conflict): the edit is diffed against, and applied over, what is live now.
        if (kept && rebasing)
          drafts.current.set(key, {
            ...kept,
            draft: {
              ...kept.draft,
              original: content.content,
              etag: content.etag,
              diff: lineDiff(content.content, kept.draft.edited),
              problem: undefined,
            },
          });
      },
      (e: unknown) => current && setLiveError(errorNotice(e).text),
    );
    return () => {
      current = false;
    };
  }, [client, key, reloads]);

  const edit = useCallback(
    async (site: string) => {
      if (!client) return;
      const key = `${server}/${site}`;
      let kept = drafts.current.get(key);
      if (!kept) {
        let base: SiteContent;
        try {
          base = live && live.server === server && live.name === site ? live : await getSite(client, site);
        } catch (e) {
          const { text, hint } = errorNotice(e);
          return notify('error', text, hint);
        }
        const copy = await writeEditCopy(site, base.content, session.env);
        session.keptEdits.add(copy.file);
        kept = {
          copy,
          draft: {
            server,
            site,
            file: copy.file,
            original: base.content,
            etag: base.etag,
            edited: base.content,
            diff: [],
            applying: false,
          },
        };
        drafts.current.set(key, kept);
      }
      const { copy, draft } = kept;
      setBusy(`Editing ${site} in ${editorArgv(session.env)[0]}…`);
      let code: number;
      try {
        code = await session.terminal.suspend(() => openEditor(copy.file, session.env));
      } catch (e) {
        const { text, hint } = errorNotice(e);
        return notify('error', `${text} Your copy is kept: ${copy.file}`, hint);
      } finally {
        setBusy(undefined);
      }
      const edited = await copy.read();
      if (edited === draft.original) {
        drafts.current.delete(key);
        session.keptEdits.delete(copy.file);
        await copy.discard();
        notify('info', `No changes to ${site}: nothing to apply.`);
      } else {
        drafts.current.set(key, { copy, draft: { ...draft, edited, diff: lineDiff(draft.original, edited), problem: undefined } });
        if (code === 0) notify('info', `Review the diff of ${site}; a applies it.`, `Your copy: ${copy.file}`);
        else notify('warn', `The editor exited with ${code}; your copy is kept: ${copy.file}`);
      }
      bump();
    },
    [session, client, live, server, notify],
  );

  const apply = useCallback(
    async (site: string) => {
      const key = `${server}/${site}`;
      const kept = drafts.current.get(key);
      if (!client || !kept) return;
      const { copy, draft } = kept;
      drafts.current.set(key, { copy, draft: { ...draft, applying: true, problem: undefined } });
      bump();
      try {
        const result = await putSite(client, draft.site, draft.edited, draft.etag);
        // What is live now, at once: an edit begun before the reload below lands starts from it, not from
        // the content this change replaced (its etag would be refused with a 412).
        setLive((shown) =>
          shown && shown.server === server && shown.name === draft.site ? { ...shown, content: draft.edited, etag: result.etag } : shown,
        );
        drafts.current.delete(key);
        session.keptEdits.delete(copy.file);
        await copy.discard();
        notify(
          'ok',
          result.changed
            ? `Applied ${draft.site} on ${server}: nginx -t passed, nginx reloaded (backup ${result.backupId}).`
            : `${draft.site} already had this content: nothing changed.`,
        );
        setReloads((n) => n + 1);
      } catch (e) {
        drafts.current.set(key, { copy, draft: { ...draft, applying: false, problem: configProblem(e) } });
        bump();
      }
    },
    [client, server, session, notify],
  );

  const reload = useCallback(() => {
    rebase.current = key;
    setReloads((n) => n + 1);
  }, [key]);
  const current = live && live.server === server && live.name === site ? live : undefined;
  return { list, listError, live: current, liveError, draft: drafts.current.get(key)?.draft, busy, edit, apply, reload };
}
