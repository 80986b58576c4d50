/**
 * The files that make Debian's redis-server the apps' Redis, and the argv that checks
 * it. Pure: the redis step reads the server and decides. Debian's /etc/redis/redis.conf
 * (a dpkg conffile) stays as the package ships it, so upgrades never stop on a changed
 * conffile: a systemd drop-in starts redis-server from hms's own /etc/redis/hms.conf,
 * which includes Debian's file first and then sets what hms needs (Redis takes the last
 * value of a setting). The password lives in a file of its own, root:redis 0640, masked
 * in every diff; it reaches redis-cli on stdin, then REDISCLI_AUTH, never argv.
 */
import { HmsError } from '../core/errors.js';
import type { ManagedFile } from './files.js';
import { REDIS_PORT, redisPassword } from './app-env.js';
import type { ProvisionInput } from './input.js';

export const REDIS_PACKAGE = 'redis-server';
export const REDIS_UNIT = 'redis-server.service';
export const REDIS_CONFIG = '/etc/redis/hms.conf';
export const REDIS_AUTH = '/etc/redis/hms-auth.conf';
export const REDIS_DEBIAN_CONFIG = '/etc/redis/redis.conf';
export const REDIS_DROP_IN = `/etc/systemd/system/${REDIS_UNIT}.d/hms.conf`;

/** Whether any app of the input declares Redis: the plan has the step only then. */
export const wantsRedis = (input: Pick<ProvisionInput, 'apps'>): boolean => input.apps.some(([, app]) => app.redis !== undefined);

/** Printable ASCII but blanks: what Redis's config quoting and a URL carry without surprise. */
const REDIS_SAFE_PASSWORD = /^[\x21-\x7e]{16,512}$/;

export function redisFiles(input: Pick<ProvisionInput, 'serverName' | 'secrets'>): ManagedFile[] {
  const password = redisPassword(input.secrets, input.serverName);
  if (!REDIS_SAFE_PASSWORD.test(password)) {
    throw new HmsError(
      `redis_passwords.${input.serverName} in .secrets.json is not 16 or more printable ASCII characters without blanks.`,
      {
        hint: `Run \`hms secrets init --rotate redis_passwords.${input.serverName}\` for a new one.`,
      },
    );
  }
  const config = [
    '# Written by `hms provision`; edits here are replaced at the next run (the old file is kept in /var/lib/hms/replaced/).',
    `# redis-server starts from this file (${REDIS_DROP_IN}): Debian's settings first, untouched,`,
    '# then what the apps need: loopback only, and a password for every client.',
    `include ${REDIS_DEBIAN_CONFIG}`,
    'bind 127.0.0.1 -::1',
    'protected-mode yes',
    `port ${REDIS_PORT}`,
    `include ${REDIS_AUTH}`,
    '',
  ].join('\n');
  const dropIn = [
    `# Written by \`hms provision\`: redis-server reads ${REDIS_CONFIG}, which includes Debian's ${REDIS_DEBIAN_CONFIG}.`,
    '[Service]',
    'ExecStart=',
    `ExecStart=/usr/bin/redis-server ${REDIS_CONFIG} --supervised systemd --daemonize no`,
    '',
  ].join('\n');
  const redisFile = (path: string, content: string, redact?: 'whole'): ManagedFile => ({
    path,
    content,
    mode: 0o640,
    owner: 'root',
    group: 'redis',
    ...(redact ? { redact } : {}),
  });
  return [
    redisFile(REDIS_CONFIG, config),
    redisFile(REDIS_AUTH, `requirepass "${password.replace(/["\\]/g, (c) => `\\${c}`)}"\n`, 'whole'),
    { path: REDIS_DROP_IN, content: dropIn, mode: 0o644, owner: 'root', group: 'root' },
  ];
}

/**
 * `redis-cli <command>` against the apps' Redis with the password read from stdin into
 * REDISCLI_AUTH (redis-cli's own variable), so it shows in no process list.
 */
export const redisCliArgv = (...command: string[]): string[] => [
  'sh',
  '-c',
  `IFS= read -r REDISCLI_AUTH; export REDISCLI_AUTH; exec timeout 10 redis-cli -h 127.0.0.1 -p ${REDIS_PORT} "$@"`,
  'redis-cli',
  ...command,
];
