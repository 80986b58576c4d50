/** Recent actions on the current server, polled every 2 s while the audit screen is open. */
import { useEffect, useState } from 'react';
import { auditResponseSchema, type AuditEntry } from '../../src/api/core.js';
import { apiPaths } from '../../src/api/paths.js';
import type { ApiClient } from '../../src/client/api-client.js';
import { POLL_MS, retryDelay } from './use-apps.js';
import { errorNotice } from './use-notice.js';

export interface AuditFeed {
  entries?: AuditEntry[] | undefined;
  error?: string | undefined;
  updatedAt?: number | undefined;
}

export const AUDIT_LIMIT = 200;

export function useAudit(client: ApiClient | undefined, active: boolean): AuditFeed {
  const [feed, setFeed] = useState<AuditFeed>({});
  useEffect(() => {
    if (!client || !active) return;
    const stop = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    let failures = 0;
    const poll = async (): Promise<void> => {
      try {
        const { entries } = await client.call(auditResponseSchema, apiPaths.audit(AUDIT_LIMIT), { signal: stop.signal });
        failures = 0;
        setFeed({ entries, updatedAt: Date.now() });
      } catch (error) {
        if (stop.signal.aborted) return;
        failures += 1;
        setFeed((previous) => ({ ...previous, error: errorNotice(error).text }));
      }
      if (!stop.signal.aborted) timer = setTimeout(poll, failures === 0 ? POLL_MS : retryDelay(failures));
    };
    void poll();
    return () => {
      stop.abort();
      clearTimeout(timer);
    };
  }, [client, active]);
  return feed;
}
