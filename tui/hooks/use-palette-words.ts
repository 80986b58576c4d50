/** What the palette's arguments can be right now: every server's apps, the servers, the current server's scripts. */
import { useMemo } from 'react';
import type { ScriptSummary } from '../../src/api/scripts.js';
import type { PaletteWords } from '../state/palette.js';
import type { ServerLink } from './use-apps.js';

export function usePaletteWords(links: ServerLink[], servers: string[], scripts: ScriptSummary[] | undefined): PaletteWords {
  return useMemo(
    () => ({
      apps: [...new Set(links.flatMap((l) => (l.snapshot?.apps ?? []).map((a) => a.name)))],
      servers,
      scripts: scripts?.map((s) => s.name),
    }),
    [links, servers, scripts],
  );
}
