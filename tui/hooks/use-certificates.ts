/** Each site's certificate on the current server (GET /api/certificates), read every 30 s while the certs screen is open. */
import { certificatesResponseSchema, type CertificatesResponse } from '../../src/api/certificates.js';
import { apiPaths } from '../../src/api/paths.js';
import type { ApiClient } from '../../src/client/api-client.js';
import { usePoll, type Polled } from './use-poll.js';

export const CERTS_POLL_MS = 30_000;

export function useCertificates(client: ApiClient | undefined, active: boolean): Polled<CertificatesResponse> {
  const read =
    client && active ? (signal: AbortSignal) => client.call(certificatesResponseSchema, apiPaths.certificates(), { signal }) : undefined;
  return usePoll(read, [client], CERTS_POLL_MS);
}
