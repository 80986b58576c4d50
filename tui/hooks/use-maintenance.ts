/** M on an app: maintenance on (with the 503 page's message) or off, reported in the status bar. */
import { useCallback } from 'react';
import type { TuiSession } from '../session.js';
import { errorNotice, type Notify } from './use-notice.js';

export interface MaintenanceChange {
  server: string;
  app: string;
  on: boolean;
  message?: string | undefined;
}

export function useMaintenance(
  session: Pick<TuiSession, 'connections'>,
  notify: Notify,
  onDone: () => void,
): (change: MaintenanceChange) => Promise<void> {
  return useCallback(
    async ({ server, app, on, message }: MaintenanceChange) => {
      notify('info', `${on ? 'putting' : 'taking'} ${app} on ${server} ${on ? 'in' : 'out of'} maintenance…`);
      try {
        const { client } = await session.connections.get(server);
        const state = await client.maintenance(app, { on, ...(message ? { message } : {}) });
        const page = state.message ? `Its page says: ${state.message}` : undefined;
        if (state.on) notify('ok', `${app} on ${server} is in maintenance: nginx answers 503 with Retry-After. M again ends it.`, page);
        else notify('ok', `${app} on ${server} is out of maintenance: it serves its requests again.`);
      } catch (error) {
        const { text, hint } = errorNotice(error);
        notify('error', `Maintenance of ${app} on ${server} was not changed: ${text}`, hint);
      } finally {
        onDone();
      }
    },
    [session, notify, onDone],
  );
}
