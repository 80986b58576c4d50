/**
 * `hms config` against a real agent on loopback with a real nginx tree and the REAL
 * `nginx -t`; `$EDITOR` is a real process (small sh scripts written here). systemctl
 * cannot manage services on this host (no systemd as PID 1), so the agent's reload
 * and is-active calls are answered by the recording `hostExec` of the agent's own
 * configs tests (tests/support/nginx-fixture.ts), in systemctl's formats.
 */
import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { siteChangeSchema } from '../../src/api/configs.js';
import { AgentError } from '../../src/client/http.js';
import { configCommand } from '../../src/commands/config.js';
import { editorArgv } from '../../src/platform/editor.js';
import { HmsError } from '../../src/core/errors.js';
import { servedAgent, type ServedAgent } from '../support/served-agent.js';
import { hostExec, nginxTree, serverBlock, type NginxTree } from '../support/nginx-fixture.js';
import { testContext, type TestContextOptions } from '../support/test-context.js';

const CIGAR = serverBlock(8081);
const LAST_ARG = 'for file; do :; done';
const EDITORS: Record<string, string> = {
  append: `${LAST_ARG}\nprintf '# edited by the test\\n' >> "$file"`,
  untouched: 'exit 0',
  quits: `${LAST_ARG}\nprintf '# half typed\\n' >> "$file"\nexit 1`,
  invalid: `${LAST_ARG}\nprintf 'proxy_bogus_directive on;\\n' >> "$file"`,
  // Another admin changes the live file while this one is still editing.
  meanwhile: `${LAST_ARG}\nprintf '# the other admin\\n' >> "$LIVE_FILE"\nprintf '# mine\\n' >> "$file"`,
  recordsArgs: `printf '%s\\n' "$@" > "$ARGS_LOG"\n${LAST_ARG}\nprintf '# edited\\n' >> "$file"`,
};

let tree: NginxTree;
let served: ServedAgent;
let editors: string;
let copies: string;

beforeEach(async () => {
  tree = await nginxTree(['cigar', 'tobacco', 'ghost']);
  await tree.addSite('cigar', CIGAR);
  await tree.addSite('tobacco', serverBlock(8082));
  served = await servedAgent({ config: { nginx: tree.nginx }, exec: hostExec().exec });
  editors = await mkdtemp(path.join(tmpdir(), 'hms-editors-'));
  copies = await mkdtemp(path.join(tmpdir(), 'hms-copies-'));
  for (const [name, body] of Object.entries(EDITORS)) {
    await writeFile(path.join(editors, name), `#!/bin/sh\n${body}\n`);
    await chmod(path.join(editors, name), 0o755);
  }
});

afterEach(async () => {
  await served.dispose();
  await Promise.all([tree.root, editors, copies].map((dir) => rm(dir, { recursive: true, force: true })));
});

const cigarFile = () => path.join(tree.sitesDir, 'cigar');
const leftCopies = async () => (await readdir(copies)).filter((name) => name.startsWith('hms-edit-'));

function editContext(editor: string, options: TestContextOptions = {}) {
  return served.context({
    args: ['edit', 'cigar'],
    ...options,
    flags: { yes: true, ...options.flags },
    env: { VISUAL: '', EDITOR: path.join(editors, editor), TMPDIR: copies, LIVE_FILE: cigarFile(), ...options.env },
  });
}

/** The kept copy the error's hint names, and its contents. */
async function keptCopy(error: unknown): Promise<{ file: string; text: string }> {
  const file = /kept at (\S+)\./.exec((error as HmsError).hint ?? '')?.[1];
  expect(file, (error as HmsError).hint).toBeDefined();
  expect((await stat(file!)).mode & 0o777).toBe(0o600);
  expect((await stat(path.dirname(file!))).mode & 0o777).toBe(0o700);
  return { file: file!, text: await readFile(file!, 'utf8') };
}

describe('hms config in local mode (no server configured)', () => {
  it("Given no sites allowed, When listed, Then the table is empty; When one is shown, Then the agent's 404 says so", async () => {
    expect((await configCommand.run(testContext({ args: ['list'] }))).human).toMatch(/^SITE\s+SIZE\s+MODIFIED\s+ENABLED\n[─ ]+$/);
    const error = await configCommand.run(testContext({ args: ['show', 'cigar'] })).catch((e: unknown) => e);
    expect((error as AgentError).status).toBe(404);
  });
});

describe('hms config list, show, history, diff', () => {
  it('Given sites, When listed, Then each shows size, time and whether it is enabled, and a missing one is a note', async () => {
    const output = await configCommand.run(served.context());
    expect(output.human).toMatch(/cigar\s+\d+B\s+\S+Z\s+yes/);
    expect(output.human).toContain('note: ghost:');
  });

  it('Given a site, When shown, Then its content comes with line numbers', async () => {
    const output = await configCommand.run(served.context({ args: ['show', 'cigar'] }));
    expect(output.human.split('\n')[0]).toBe('1  server {');
    expect(output.human.split('\n')).toHaveLength(CIGAR.split('\n').length - 1);
  });

  it('Given an unknown action or no site, When run, Then it is a usage error naming the actions', async () => {
    await expect(configCommand.run(served.context({ args: ['delete', 'cigar'] }))).rejects.toThrow(/Unknown config action "delete"/);
    await expect(configCommand.run(served.context({ args: ['show'] }))).rejects.toMatchObject({ exitCode: 2 });
  });
});

describe('hms config edit', () => {
  it(
    'Given an editor that adds a line, When confirmed, ' +
      'Then the diff is shown, the change is applied with a backup, and the copy is gone',
    async () => {
      const context = editContext('append');
      const output = await configCommand.run(context);
      expect(output.human).toMatch(/^Applied: nginx -t passed, reloaded, backup \d{4}-\d\d-\d\dT[\d:.]+Z$/);
      expect(context.notes.join('\n')).toContain('+# edited by the test');
      expect(context.questions).toEqual(['Apply this change to cigar on test?']);
      expect(await readFile(cigarFile(), 'utf8')).toBe(`${CIGAR}# edited by the test\n`);
      expect(await leftCopies()).toEqual([]);

      // Then history, diff and revert see that change.
      const history = await configCommand.run(served.context({ args: ['history', 'cigar'] }));
      const backupId = siteChangeSchema.parse(output.data).backupId!;
      expect(history.human).toContain(backupId);
      const diff = await configCommand.run(served.context({ args: ['diff', 'cigar'] }));
      expect(diff.human).toContain('+# edited by the test');
      expect(diff.human).not.toContain('\u001b[');
      const tty = served.context({ args: ['diff', 'cigar', backupId] });
      tty.stdout.isTTY = true;
      expect((await configCommand.run(tty)).human).toContain('\u001b[32m+# edited by the test\u001b[39m');

      const declined = await configCommand.run(served.context({ args: ['revert', 'cigar', backupId], answers: [false] }));
      expect(declined).toMatchObject({ human: 'Nothing done.', exitCode: 1 });
      const revert = served.context({ args: ['revert', 'cigar', backupId], flags: { yes: true } });
      const reverted = await configCommand.run(revert);
      expect(reverted.human).toMatch(/^Reverted cigar to .*: nginx -t passed, reloaded, backup .*\nNew etag: "[0-9a-f]{64}"$/);
      expect(revert.notes.join('\n')).toContain('-# edited by the test');
      expect(await readFile(cigarFile(), 'utf8')).toBe(CIGAR);
    },
  );

  it('Given an editor that changes nothing, When it exits, Then "No changes." and the copy is gone', async () => {
    const output = await configCommand.run(editContext('untouched'));
    expect(output.human).toBe('No changes.');
    expect(await leftCopies()).toEqual([]);
  });

  it('Given an editor that exits 1, When it ends, Then nothing is sent, the error says so and where the copy is kept', async () => {
    const before = await readFile(cigarFile());
    const error = await configCommand.run(editContext('quits')).catch((e: unknown) => e);
    expect((error as HmsError).message).toBe('The editor exited with code 1: nothing was sent to test.');
    expect((error as HmsError).exitCode).toBe(1);
    expect((await keptCopy(error)).text).toBe(`${CIGAR}# half typed\n`);
    expect(await readFile(cigarFile())).toEqual(before);
  });

  it(
    'Given an invalid directive, When nginx -t refuses it, ' + "Then nginx's words are shown, the live file is untouched and the copy kept",
    async () => {
      const before = await readFile(cigarFile());
      const error = await configCommand.run(editContext('invalid')).catch((e: unknown) => e);
      expect((error as HmsError).message).toMatch(
        /nginx -t refused the edit of cigar; nothing changed on test:\n.*unknown directive "proxy_bogus_directive"/,
      );
      expect((await keptCopy(error)).text).toContain('proxy_bogus_directive on;');
      expect(await readFile(cigarFile())).toEqual(before);
    },
  );

  it(
    'Given the live file changed while editing, When applied, ' + 'Then the 412 says so, the other change stays live and this one is kept',
    async () => {
      const error = await configCommand.run(editContext('meanwhile')).catch((e: unknown) => e);
      expect((error as HmsError).message).toBe('cigar changed on test while you were editing it; your edit was not applied.');
      expect((await keptCopy(error)).text).toBe(`${CIGAR}# mine\n`);
      expect(await readFile(cigarFile(), 'utf8')).toBe(`${CIGAR}# the other admin\n`);
    },
  );

  it('Given a change, When the question is answered no, Then nothing is applied and the copy is kept (exit 1)', async () => {
    const output = await configCommand.run(editContext('append', { flags: { yes: false }, answers: [false] }));
    expect(output.exitCode).toBe(1);
    expect(output.human).toMatch(/^Nothing applied\. Your copy is kept at \S+\.$/);
    expect(await readFile(cigarFile(), 'utf8')).toBe(CIGAR);
    expect(await leftCopies()).toHaveLength(1);
  });

  it('Given $EDITOR with arguments, When it runs, Then they are passed as argv words before the file, with no shell', async () => {
    const log = path.join(copies, 'args.log');
    await configCommand.run(
      editContext('recordsArgs', { env: { EDITOR: `${path.join(editors, 'recordsArgs')} --wait  -n`, ARGS_LOG: log } }),
    );
    const args = (await readFile(log, 'utf8')).trimEnd().split('\n');
    expect(args.slice(0, 2)).toEqual(['--wait', '-n']);
    expect(args[2]).toMatch(/hms-edit-\w+\/cigar\.conf$/);
    expect(editorArgv({ VISUAL: 'code --wait', EDITOR: 'nano' })).toEqual(['code', '--wait']);
    expect(editorArgv({ EDITOR: '  ' })).toEqual(['vi']);
  });
});
