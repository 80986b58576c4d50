/** The name an API request acts under: the laptop's `user@host` (X-Hms-Actor) beside the token that let it in. */
import { ACTOR_HEADER, ACTOR_PATTERN } from '../../src/api/core.js';
import { ApiError } from '../errors.js';

export const TOKEN_CREDENTIAL = 'api-token';

export function tokenActorName(header: string | undefined): string {
  if (header === undefined || header === '') return TOKEN_CREDENTIAL;
  // The value is not echoed: it is whatever the caller sent.
  if (!ACTOR_PATTERN.test(header)) {
    throw new ApiError(400, `Invalid ${ACTOR_HEADER} header.`, {
      hint: 'Send user@host: letters, digits, ".", "_" and "-" only, the user up to 32 and the host up to 64.',
    });
  }
  return `${header} (${TOKEN_CREDENTIAL})`;
}
