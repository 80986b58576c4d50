/** The client of one server for the screens that work on the current server; retried until it opens. */
import { useEffect, useState } from 'react';
import type { ApiClient } from '../../src/client/api-client.js';
import type { TuiSession } from '../session.js';
import { errorNotice } from './use-notice.js';

export interface ServerClient {
  client?: ApiClient | undefined;
  error?: { text: string; hint?: string | undefined } | undefined;
}

export const REOPEN_MS = 5000;

export function useConnection(session: Pick<TuiSession, 'connections'>, server: string): ServerClient {
  const [state, setState] = useState<ServerClient & { server: string }>({ server });
  useEffect(() => {
    let timer: NodeJS.Timeout | undefined;
    let live = true;
    const open = (): void => {
      session.connections.get(server).then(
        ({ client }) => live && setState({ server, client }),
        (error: unknown) => {
          if (!live) return;
          setState({ server, error: errorNotice(error) });
          timer = setTimeout(open, REOPEN_MS);
        },
      );
    };
    open();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [session, server]);
  // Until the new server's client is there, the old one must not be used.
  return state.server === server ? state : {};
}
