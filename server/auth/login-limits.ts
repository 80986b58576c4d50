/**
 * Who is logging in, and how often they may fail. The address is the socket's, or
 * the one nginx (a trusted proxy, on loopback) says in X-Real-IP / X-Forwarded-For;
 * a client cannot pick its own. Failures are counted per (user, address) and per
 * address, so wrong passwords sent from elsewhere never lock the admin out of their
 * own address; across all addresses a user's failures only slow each further try
 * (a growing delay), which makes guessing slow without locking anyone out.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { rateLimiter } from 'hono-rate-limiter';
import type { AgentDeps, AgentEnv } from '../env.js';

/** The local nginx reaches the agent over loopback. */
export const TRUSTED_PROXIES = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);
const MAX_DELAY_MS = 5000;

export function clientIp(c: Context): string {
  const socket: string | undefined = c.env?.incoming?.socket?.remoteAddress;
  if (socket === undefined || !TRUSTED_PROXIES.has(socket)) return socket ?? 'local';
  const forwarded = c.req.header('x-real-ip') ?? c.req.header('x-forwarded-for')?.split(',').at(-1);
  const address = forwarded?.trim() ?? '';
  return /^[0-9A-Fa-f:.]{2,45}$/.test(address) ? address : socket;
}

export function loginLimits(
  deps: AgentDeps,
  username: (c: Context) => Promise<string>,
  tooMany: (c: Context) => Response | Promise<Response>,
) {
  const { attempts, windowSeconds } = deps.config.loginLimit;
  const windowMs = windowSeconds * 1000;
  const limiter = (limit: number, key: (c: Context<AgentEnv>) => Promise<string> | string): MiddlewareHandler<AgentEnv> =>
    rateLimiter<AgentEnv>({ windowMs, limit, keyGenerator: key, skipSuccessfulRequests: true, handler: tooMany });
  const failures = new Map<string, { count: number; since: number }>();

  /** A user's recent failures, from any address; past `attempts`, each try waits longer (up to 5 s). */
  const backoff: MiddlewareHandler<AgentEnv> = async (c, next) => {
    const user = await username(c);
    const now = deps.clock().getTime();
    const seen = failures.get(user);
    const count = seen && now - seen.since < windowMs ? seen.count : 0;
    if (count >= attempts) await new Promise((resolve) => setTimeout(resolve, Math.min(MAX_DELAY_MS, 250 * 2 ** (count - attempts))));
    await next();
    if (c.res.status === 401) {
      failures.set(user, { count: count + 1, since: count === 0 ? now : seen!.since });
      if (failures.size > 1000) failures.delete(failures.keys().next().value!);
    } else if (c.res.status < 400) failures.delete(user);
  };

  return [
    limiter(attempts * 4, (c) => `ip:${clientIp(c)}`),
    limiter(attempts, async (c) => `user:${await username(c)}|ip:${clientIp(c)}`),
    backoff,
  ] as const;
}
