/**
 * Redis for the apps that declare it (`apps.<name>.redis`): Debian's redis-server on
 * loopback with the server's password from .secrets.json (redis_passwords.<server>),
 * enabled, and restarted only when its configuration changed; then checked with
 * redis-cli and the password (REDISCLI_AUTH). The apps get REDIS_URL in their env file.
 */
import { HmsError } from '../../core/errors.js';
import { installPackage, packageInstalled } from '../debian-package.js';
import { changedPath, diffFiles, writeFiles } from '../files.js';
import type { Host } from '../host.js';
import type { ProvisionInput } from '../input.js';
import { REDIS_AUTH, REDIS_CONFIG, REDIS_DROP_IN, REDIS_PACKAGE, REDIS_UNIT, redisCliArgv, redisFiles } from '../redis.js';
import type { Step } from '../step.js';

const INSTALL = `${REDIS_PACKAGE}: install (Debian's)`;
const ENABLE = `${REDIS_UNIT}: enable`;
const START = `${REDIS_UNIT}: start`;
const NO_PASSWORD = `${REDIS_UNIT}: restart (it does not take the password of ${REDIS_AUTH})`;

/** Whether Redis answers PONG to the password of .secrets.json. */
async function answersWithPassword(host: Host, password: string): Promise<boolean> {
  const ping = await host.run(redisCliArgv('ping'), { input: `${password}\n`, timeoutMs: 15_000 });
  return ping.code === 0 && ping.stdout.trim() === 'PONG';
}

const WHY = [
  "Debian's redis-server for the apps that declare `redis` in hms.config.json, listening on 127.0.0.1 and ::1 only,",
  'protected mode on, and every client asked for the password redis_passwords.<server> of .secrets.json (made by',
  "`hms secrets init` when an app on the server declares Redis). Debian's /etc/redis/redis.conf is left as the package",
  `ships it: a systemd drop-in starts redis-server from ${REDIS_CONFIG}, which includes Debian's file and then sets`,
  `bind, protected-mode and port; the password is in ${REDIS_AUTH} (root:redis 0640). Each app gets`,
  'REDIS_URL=redis://:<password>@127.0.0.1:6379/<db> in its env file. Redis restarts only when these files change.',
].join(' ');

export function redisStep(input: ProvisionInput): Step {
  const password = () => input.secrets.redis_passwords[input.serverName] ?? '';
  return {
    id: 'redis',
    title: 'Redis: loopback only, with a password',
    doc: {
      why: WHY,
      commands: [
        `DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${REDIS_PACKAGE}`,
        `install -m 640 -o root -g redis /dev/stdin ${REDIS_CONFIG}   # include redis.conf, bind 127.0.0.1 -::1, protected-mode yes`,
        `install -m 640 -o root -g redis /dev/stdin ${REDIS_AUTH}   # requirepass "<redis_passwords.${input.serverName}>"`,
        `install -D -m 644 /dev/stdin ${REDIS_DROP_IN}   # ExecStart=/usr/bin/redis-server ${REDIS_CONFIG} ...`,
        'systemctl daemon-reload',
        `systemctl enable ${REDIS_UNIT}`,
        `systemctl restart ${REDIS_UNIT}`,
      ],
      verify: [
        'ss -ltn | grep 6379   # 127.0.0.1 and [::1] only',
        'redis-cli ping   # NOAUTH Authentication required.',
        `REDISCLI_AUTH="$(cat)" redis-cli ping   # PONG (type the password; never -a, which shows in ps)`,
      ],
    },
    async check(host) {
      const files = redisFiles(input);
      if (!(await packageInstalled(host, REDIS_PACKAGE))) return [INSTALL, ...files.map((f) => `${f.path}: create`), ENABLE, START];
      const changes = await diffFiles(host, files);
      if ((await host.run(['systemctl', 'is-enabled', '--quiet', REDIS_UNIT])).code !== 0) changes.push(ENABLE);
      if ((await host.run(['systemctl', 'is-active', '--quiet', REDIS_UNIT])).code !== 0) changes.push(START);
      else if (changes.length === 0 && !(await answersWithPassword(host, password()))) changes.push(NO_PASSWORD);
      return changes;
    },
    async apply(host, changes) {
      if (changes.includes(INSTALL)) await installPackage(host, REDIS_PACKAGE, 'Installing redis-server');
      const files = redisFiles(input);
      // Read again: the install made /etc/redis and started Debian's configuration.
      const written = await diffFiles(host, files);
      await host.must(
        ['install', '-d', '-m', '755', '--', REDIS_DROP_IN.slice(0, REDIS_DROP_IN.lastIndexOf('/'))],
        'mkdir for the drop-in',
      );
      await writeFiles(host, files, written);
      if (written.some((change) => changedPath(change) === REDIS_DROP_IN)) await host.must(['systemctl', 'daemon-reload'], 'daemon-reload');
      await host.must(['systemctl', 'enable', '--quiet', REDIS_UNIT], `enable ${REDIS_UNIT}`);
      if (written.length > 0 || changes.includes(START) || changes.includes(NO_PASSWORD)) {
        await host.must(['systemctl', 'restart', REDIS_UNIT], `restart ${REDIS_UNIT}`, { timeoutMs: 120_000 });
      }
      if (!(await answersWithPassword(host, password()))) {
        throw new HmsError(`Redis on ${host.name} does not answer PONG to the password of redis_passwords.${input.serverName}.`, {
          hint: `See \`journalctl -u ${REDIS_UNIT}\` on the server, then run \`hms provision ${host.name}\` again.`,
        });
      }
    },
  };
}
