/**
 * An app's units and its launcher: rendered as provisioning writes them, and the
 * launcher (templates/systemd/web-start) run for real with /bin/sh on this host.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { webCommandText } from '../../../server/services/deploys/web-command.js';
import { appUnitFiles, WEB_START, webStartFile } from '../../../src/provision/steps/units.js';
import { loadTemplates } from '../../../src/provision/template-set.js';

const run = promisify(execFile);

describe("an app's units", () => {
  it(
    'Given app cigar, When rendered, ' +
      'Then its service runs the launcher on its root, wants its socket (so a crash is restarted) and gives up after 5 starts a minute',
    async () => {
      const [service, socket] = appUnitFiles('cigar', await loadTemplates());
      expect(service!.path).toBe('/etc/systemd/system/cigar.service');
      expect(service!.content).toMatch(/^ExecStart=\/usr\/local\/lib\/hms\/web-start \/var\/www\/cigar$/m);
      expect(service!.content).toMatch(/^Wants=cigar\.socket$/m);
      expect(service!.content).not.toMatch(/^Requires=/m);
      expect(service!.content).toMatch(/^PropagatesStopTo=cigar\.socket$/m);
      expect(service!.content).toMatch(/^StartLimitBurst=5$/m);
      expect(socket).toMatchObject({ path: '/etc/systemd/system/cigar.socket', mode: 0o644 });
      expect(socket!.content).toMatch(/^ListenStream=\/var\/www\/cigar\/shared\/tmp\/sockets\/puma\.sock$/m);
      expect(webStartFile(await loadTemplates())).toMatchObject({ path: WEB_START, mode: 0o755, owner: 'root' });
    },
  );
});

describe("the agent's unit", () => {
  it(
    'Given the agent unit, When rendered, ' +
      'Then Node runs it with gc exposed (its idle collection), no baseline compiler, one malloc arena ' +
      "and a fixed trim threshold: the idle agent's memory",
    async () => {
      const unit = (await loadTemplates()).fill('systemd/hms-agent.service', {
        nodeBinary: '/usr/bin/node',
        installDir: '/opt/hosting-api',
        configFile: '/etc/hosting-api/agent.json',
        stateDir: '/var/lib/hosting-api',
      });
      const exec =
        'ExecStart=/usr/bin/node --expose-gc --no-sparkplug /opt/hosting-api/current/hms-agent.mjs --config /etc/hosting-api/agent.json';
      expect(unit.split('\n')).toContain(exec);
      expect(unit).toMatch(/^Environment=MALLOC_ARENA_MAX=1$/m);
      expect(unit).toMatch(/^Environment=MALLOC_TRIM_THRESHOLD_=131072$/m);
      expect(unit).toMatch(/^Environment=MALLOC_TOP_PAD_=0$/m);
      expect(unit).toMatch(/^Environment=MALLOC_MMAP_THRESHOLD_=32768$/m);
    },
  );
});

describe('the web-start launcher', () => {
  let root: string;
  let launcher: string;
  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'hms-web-start-'));
    launcher = path.join(root, 'web-start');
    await writeFile(launcher, webStartFile(await loadTemplates()).content, { mode: 0o755 });
    await mkdir(path.join(root, 'shared', 'config'), { recursive: true });
    await mkdir(path.join(root, 'current'), { recursive: true });
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it(
    'Given a web command with spaces, quotes and $(...) in its words, When started, ' +
      'Then the program gets exactly those words, and the start is recorded',
    async () => {
      const words = ['a b', "it's", '$(id)', '*'];
      const program = 'require("fs").writeFileSync("argv.json", JSON.stringify(process.argv.slice(1)))';
      const command = webCommandText([process.execPath, '-e', program, ...words]);
      await writeFile(path.join(root, 'shared', 'config', 'web-command'), command);
      await writeFile(path.join(root, 'current', 'Gemfile.lock'), 'GEM\n  specs:\n    puma (5.6.5)\n');
      await run('/bin/sh', [launcher, root], { cwd: path.join(root, 'current') });
      expect(JSON.parse(await readFile(path.join(root, 'current', 'argv.json'), 'utf8'))).toEqual(words);
      expect(await readFile(path.join(root, 'shared/tmp/pids/web-start.command'), 'utf8')).toBe(command);
      expect(await readFile(path.join(root, 'shared/tmp/pids/web-start.Gemfile.lock'), 'utf8')).toContain('puma (5.6.5)');
    },
  );

  it('Given no web command yet, When started, Then it fails saying to deploy first', async () => {
    const failure = await run('/bin/sh', [launcher, root], { cwd: path.join(root, 'current') }).catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('shared/config/web-command is missing: deploy the app first (hms deploy <app>)'),
    });
  });
});
