import { describe, expect, it } from 'vitest';
import { redact } from '../../src/provision/redact.js';
import { REDIS_AUTH, REDIS_CONFIG, REDIS_DROP_IN, redisCliArgv, redisFiles, wantsRedis } from '../../src/provision/redis.js';
import { provisioningPlan } from '../../src/provision/plan.js';
import { CIGAR, inputFor } from '../support/provision-input.js';

describe("the apps' Redis: hms's files beside Debian's", () => {
  it(
    'Given an app with Redis, ' + 'When the files are made, Then loopback, protected mode and the password file (root:redis 0640, masked)',
    async () => {
      const input = await inputFor({ cigar: { ...CIGAR, redis: true } });
      input.secrets.redis_passwords.test = 'pa"ss\\word-0123456789';
      const [config, auth, dropIn] = redisFiles(input);
      expect(config).toMatchObject({ path: REDIS_CONFIG, mode: 0o640, owner: 'root', group: 'redis' });
      const settings = ['include /etc/redis/redis.conf', 'bind 127.0.0.1 -::1', 'protected-mode yes', 'port 6379', `include ${REDIS_AUTH}`];
      expect(config!.content).toContain(`\n${settings.join('\n')}\n`);
      expect(config!.content.endsWith(`include ${REDIS_AUTH}\n`)).toBe(true);
      expect(config!.content).not.toContain('pa"ss');
      expect(auth).toMatchObject({ path: REDIS_AUTH, mode: 0o640, owner: 'root', group: 'redis', redact: 'whole' });
      expect(auth!.content).toBe('requirepass "pa\\"ss\\\\word-0123456789"\n');
      expect(redact(auth!.content, auth!.redact)).not.toContain('word');
      expect(dropIn).toMatchObject({ path: REDIS_DROP_IN, mode: 0o644 });
      expect(dropIn!.content).toMatch(
        /^ExecStart=\nExecStart=\/usr\/bin\/redis-server \/etc\/redis\/hms\.conf --supervised systemd --daemonize no$/m,
      );
    },
  );

  it('Given a password with blanks or too short, When the files are made, Then it is refused with the rotate command', async () => {
    const input = await inputFor({ cigar: { ...CIGAR, redis: true } });
    for (const password of ['has a blank in it 0123', 'short']) {
      input.secrets.redis_passwords.test = password;
      expect(() => redisFiles(input)).toThrow(/redis_passwords\.test/);
    }
    delete input.secrets.redis_passwords.test;
    expect(() => redisFiles(input)).toThrow(expect.objectContaining({ hint: 'Run `hms secrets init` to add it.' }));
  });

  it('Given redis-cli is asked something, When its argv is built, Then the password is in no argument', () => {
    const argv = redisCliArgv('ping');
    expect(argv.slice(0, 2)).toEqual(['sh', '-c']);
    expect(argv[2]).toMatch(/read -r REDISCLI_AUTH; export REDISCLI_AUTH; exec timeout 10 redis-cli -h 127\.0\.0\.1 -p 6379 "\$@"$/);
    expect(argv.slice(3)).toEqual(['redis-cli', 'ping']);
  });

  it('Given apps with and without Redis, When the plan is made, Then the redis step is there only when one declares it', async () => {
    const without = await inputFor({ cigar: CIGAR });
    const withRedis = await inputFor({ cigar: { ...CIGAR, redis: { db: 2 } } });
    expect(wantsRedis(without)).toBe(false);
    expect((await provisioningPlan(without)).map((step) => step.id)).not.toContain('redis');
    const ids = (await provisioningPlan(withRedis)).map((step) => step.id);
    expect(ids.indexOf('redis')).toBeGreaterThan(ids.indexOf('app-secrets'));
    expect(ids.indexOf('restart-apps')).toBeGreaterThan(ids.indexOf('systemd-units'));
    expect(withRedis.secrets.redis_passwords.test).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(without.secrets.redis_passwords).toEqual({});
  });
});
