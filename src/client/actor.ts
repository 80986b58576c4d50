/** `user@host` of this laptop, as the agent records who acted (X-Hms-Actor). */
import { hostname, userInfo } from 'node:os';
import { ACTOR_PART } from '../api/actor.js';

export function laptopActor(env: NodeJS.ProcessEnv = process.env): string {
  let user = env.USER ?? env.LOGNAME ?? '';
  try {
    user = userInfo().username;
  } catch {
    // no passwd entry (a container): keep $USER
  }
  return `${part(user, 32)}@${part(hostname().split('.')[0] ?? '', 64)}`;
}

/** Only what the agent accepts; anything else becomes "_" rather than a refused request. */
function part(text: string, max: number): string {
  const kept = [...text]
    .map((c) => (ACTOR_PART.test(c) ? c : '_'))
    .join('')
    .slice(0, max);
  return kept || 'unknown';
}
