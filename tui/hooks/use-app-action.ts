/** Start, stop and restart from the overview or the palette, reported in the status bar. */
import { useCallback, useState } from 'react';
import type { TuiSession } from '../session.js';
import { errorNotice, type Notify } from './use-notice.js';

export interface AppActionRequest {
  server: string;
  app: string;
  action: 'start' | 'stop' | 'restart';
}

export function useAppAction(
  session: Pick<TuiSession, 'connections'>,
  notify: Notify,
  onDone: () => void,
): { pending?: AppActionRequest | undefined; run(request: AppActionRequest): Promise<void> } {
  const [pending, setPending] = useState<AppActionRequest>();
  const run = useCallback(
    async (request: AppActionRequest) => {
      const { server, app, action } = request;
      setPending(request);
      notify('info', `${action} ${app} on ${server}…`);
      try {
        const { client } = await session.connections.get(server);
        const result = await client.appAction(app, action);
        const s = result.app.state;
        const text =
          `${action} ${app} on ${server}: ${s.activeState}/${s.subState}` +
          `${s.mainPid ? ` (pid ${s.mainPid})` : ''}${result.settled ? '' : ', still changing'}`;
        notify(s.activeState === 'failed' ? 'error' : 'ok', text, result.message);
      } catch (error) {
        const { text, hint } = errorNotice(error);
        notify('error', `${action} ${app} on ${server} failed: ${text}`, hint);
      } finally {
        setPending(undefined);
        onDone();
      }
    },
    [session, notify, onDone],
  );
  return { pending, run };
}
