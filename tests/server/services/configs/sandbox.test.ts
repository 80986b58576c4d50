/**
 * `nginx -t` in the sandbox (nginx.testSandbox), with the REAL nginx, unshare and
 * chroot: the staged site is handed straight to testStagedSite, past the lint, to
 * show the layer that does not depend on knowing the directives. Needs root (the
 * agent runs nginx -t as root); elsewhere the tests say so and skip.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exec } from '../../../../src/platform/exec.js';
import { stageFile } from '../../../../server/services/configs/files.js';
import { sandboxedArgv } from '../../../../server/services/configs/sandbox.js';
import { resolveSite } from '../../../../server/services/configs/sites.js';
import { testStagedSite } from '../../../../server/services/configs/check.js';
import { testAgent } from '../../../support/agent.js';
import { nginxTree, serverBlock } from '../../../support/nginx-fixture.js';

let outside: string;
let canSandbox = false;

beforeAll(async () => {
  outside = await mkdtemp(path.join(tmpdir(), 'hms-sandbox-outside-'));
  await writeFile(path.join(outside, 'secret.conf'), 'HMS-SANDBOX-CANARY on;\n');
  canSandbox = process.getuid?.() === 0 && (await exec(['unshare', '--mount', '--', 'true']).catch(() => undefined))?.code === 0;
  if (!canSandbox) console.warn('[nginx-sandbox] not root or no mount namespaces here: skipping the real runs');
});
afterAll(async () => {
  await rm(outside, { recursive: true, force: true });
});

describe('sandboxedArgv', () => {
  it(
    'Given folders, When the argv is built, ' +
      'Then the script is a constant and the paths are arguments, nested ones left to their outer folder, absent ones left out',
    () => {
      const paths = {
        root: '/var/lib/hosting-api/nginx-sandbox',
        readOnly: ['/etc/nginx/', '/etc/nginx/sites-available', '/var/www/', '/etc/letsencrypt/'],
        writable: ['/var/log/nginx', '/var/lib/nginx'],
        scratch: ['/run'],
      };
      const kinds = new Map<string, 'dir' | 'file'>([
        ['/usr', 'dir'],
        ['/etc/passwd', 'file'],
        ['/etc/nginx', 'dir'],
        ['/var/www', 'dir'],
        ['/var/log/nginx', 'dir'],
        ['/var/lib/nginx', 'dir'],
      ]);
      const argv = sandboxedArgv(['/usr/sbin/nginx', '-t'], paths, kinds);
      expect(argv.slice(0, 6)).toEqual(['unshare', '--mount', '--propagation', 'private', '--', '/bin/sh']);
      expect(argv[7]).not.toContain('/etc/nginx');
      const rest = argv.slice(9);
      expect(rest[0]).toBe('/var/lib/hosting-api/nginx-sandbox');
      const lists: string[][] = [];
      let at = 1;
      for (let i = 0; i < 4; i++) {
        const n = Number(rest[at]);
        lists.push(rest.slice(at + 1, at + 1 + n));
        at += 1 + n;
      }
      const [folders, files, readOnly, writable] = lists as [string[], string[], string[], string[]];
      expect(folders).toEqual(['/etc/nginx', '/etc', '/usr', '/var/www', '/var/lib/nginx', '/var/log/nginx', '/run']);
      expect(files).toEqual(['/etc/passwd']);
      expect(readOnly).toEqual(['/etc/nginx', '/etc/passwd', '/usr', '/var/www']);
      expect(writable).toEqual(['/var/lib/nginx', '/var/log/nginx']);
      expect(rest.slice(at)).toEqual(['/usr/sbin/nginx', '-t']);
    },
  );
});

describe('nginx -t in the sandbox (real nginx)', () => {
  async function tryStaged(content: string, sandbox: boolean, run: typeof exec = exec, pidFile?: string) {
    const tree = await nginxTree(['cigar']);
    if (pidFile) await writeFile(tree.mainConfig, (await readFile(tree.mainConfig, 'utf8')).replace(/^pid .*;$/m, `pid ${pidFile};`));
    const live = await tree.addSite('cigar', serverBlock(8081));
    const { deps } = await testAgent({ config: { nginx: { ...tree.nginx, testSandbox: sandbox } }, exec: run });
    const site = await resolveSite(deps.config.nginx, 'cigar');
    const staged = await stageFile(live, content);
    const outcome = await testStagedSite({ deps, site, staged }).then(
      () => 'ok',
      (error: { status?: number; details?: { stderr?: string }; message: string }) =>
        `${error.status} ${error.message}\n${error.details?.stderr ?? ''}`,
    );
    await rm(tree.root, { recursive: true, force: true });
    return outcome;
  }

  it('Given a valid site, When tested in the sandbox, Then nginx -t passes', async (context) => {
    if (!canSandbox) return context.skip();
    expect(await tryStaged(serverBlock(8081), true)).toBe('ok');
  });

  it(
    "Given a main config whose pid file is in a folder the sandbox does not bind (Debian's /run/nginx.pid), " +
      'When tested in the sandbox, Then nginx -t passes and opens a throwaway pid file, not the live one',
    async (context) => {
      if (!canSandbox) return context.skip();
      const pidFile = path.join(outside, 'run', 'nginx.pid');
      expect(await tryStaged(serverBlock(8081), true, exec, pidFile)).toBe('ok');
      expect(existsSync(path.dirname(pidFile))).toBe(false);
    },
  );

  it(
    'Given a staged site that includes a file outside the allowed folders (past the lint), ' +
      'When tested in the sandbox, Then nginx cannot even see it; outside the sandbox it reads it',
    async (context) => {
      if (!canSandbox) return context.skip();
      const content = serverBlock(8081, `    include ${outside}/secret.conf;\n`);
      const sandboxed = await tryStaged(content, true);
      expect(sandboxed).toMatch(/open\(\) "…" failed \(2: No such file or directory\)/);
      expect(sandboxed).not.toContain('HMS-SANDBOX-CANARY');
      // The same without the sandbox: nginx as root opened the file and parsed its first word.
      expect(await tryStaged(content, false)).toMatch(/unknown directive "…"/);
    },
  );

  /**
   * The exec door runs the real argv with a capability taken away by setpriv, the way a
   * unit's CapabilityBoundingSet would: the stand-in is only the missing privilege.
   */
  const without =
    (capability: string): typeof exec =>
    (argv, options) =>
      exec(['setpriv', `--bounding-set=-${capability}`, `--inh-caps=-${capability}`, '--', ...argv], options);

  it.for(['sys_admin', 'sys_chroot'])(
    'Given no %s capability, When a site is tested in the sandbox, ' +
      'Then the save is refused with what to do, and nginx never ran unsandboxed',
    async (capability, context) => {
      if (!canSandbox) return context.skip();
      const refused = await tryStaged(serverBlock(8081, `    include ${outside}/secret.conf;\n`), true, without(capability));
      expect(refused).toMatch(
        /^500 nginx -t could not run in its sandbox, so the change was not saved \((unshare|chroot): .*Operation not permitted\)/,
      );
      expect(refused).not.toContain('HMS-SANDBOX-CANARY');
      expect(refused).not.toMatch(/unknown directive/);
    },
  );
});
