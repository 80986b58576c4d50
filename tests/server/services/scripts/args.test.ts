/** Where script arguments that name paths may lead: real temp folders, real symlinks. */
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScriptRequestSchema } from '../../../../src/api/scripts.js';
import { agentConfigSchema, type AgentConfig } from '../../../../server/config.js';
import { allowedArgumentRoots, checkScriptArguments, pathArguments } from '../../../../server/services/scripts/args.js';

let dir: string;
let root: string;
let secret: string;
let config: AgentConfig;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'hms-script-args-'));
  root = path.join(dir, 'www', 'cigar');
  secret = path.join(dir, 'outside', 'secret.txt');
  await mkdir(path.join(root, 'shared', 'log'), { recursive: true });
  await mkdir(path.join(dir, 'nginx-log'));
  await mkdir(path.dirname(secret));
  await writeFile(secret, 'secret\n');
  await writeFile(path.join(root, 'shared', 'log', 'production.log'), 'log\n');
  // The deploy user owns the app's folder: links in it may point anywhere.
  await symlink(secret, path.join(root, 'shared', 'log', 'leak.log'));
  await symlink(path.join(dir, 'outside'), path.join(root, 'shared', 'out'));
  await symlink(path.join(dir, 'nowhere'), path.join(root, 'shared', 'dangling'));
  config = agentConfigSchema.parse({
    apps: { cigar: { unit: 'cigar.service', root } },
    nginx: { accessLog: path.join(dir, 'nginx-log', 'access.log'), errorLog: path.join(dir, 'nginx-log', 'error.log') },
  });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const check = (script: string, args: string[]) => checkScriptArguments({ config, script, args });

describe('pathArguments', () => {
  it('Given arguments, When sorted out, Then paths, --name=/paths and the value of check_disk_space --path are the ones checked', () => {
    expect(pathArguments('parse_logs', ['--since', '60', '/a/b', '--file=/c', 'word']).map((argument) => argument.path)).toEqual([
      '/a/b',
      '/c',
    ]);
    expect(pathArguments('check_disk_space', ['--path', 'tmp', '--path=/x', '--json'])).toEqual([
      { index: 1, arg: 'tmp', path: 'tmp', measured: true },
      { index: 2, arg: '--path=/x', path: '/x', measured: true },
    ]);
  });

  it("Given the config, When the allowed roots are listed, Then they are the apps, nginx's log folder and the certificate folders", () => {
    expect(allowedArgumentRoots(config)).toEqual([root, path.join(dir, 'nginx-log'), '/etc/nginx/ssl', '/etc/letsencrypt/live']);
  });
});

describe('checkScriptArguments', () => {
  it("Given paths inside the app and nginx's log folder (existing or not yet), When checked, Then they pass", async () => {
    await check('parse_logs', [
      path.join(root, 'shared', 'log', 'production.log'),
      `--out=${path.join(root, 'shared', 'log', 'new.log')}`,
      path.join(dir, 'nginx-log'),
      '--top',
      '5',
    ]);
  });

  it.each([
    ['a file outside', () => secret],
    ['a symlink in the app folder that leads out', () => path.join(root, 'shared', 'log', 'leak.log')],
    ['a path through a linked folder that leads out', () => path.join(root, 'shared', 'out', 'secret.txt')],
    ['a dangling symlink', () => path.join(root, 'shared', 'dangling')],
    ['/etc/shadow as --name=/path', () => '--file=/etc/shadow'],
    ["the app root's parent", () => path.dirname(root)],
  ])('Given %s, When checked, Then a 400 names the argument and the allowed roots', async (_label, arg) => {
    const error = await check('parse_logs', ['--json', arg()]).catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      status: 400,
      message: `Refusing to run "parse_logs": argument 2 (${arg()}) leads outside the folders a script may be given.`,
      hint: expect.stringContaining(`${root}, ${path.join(dir, 'nginx-log')}, /etc/nginx/ssl, /etc/letsencrypt/live`),
    });
  });

  it('Given check_disk_space, When its --path names any existing folder, Then it passes: it only reads usage figures', async () => {
    await check('check_disk_space', ['--path', '/', '--path=/etc', '--json']);
  });

  it.each([
    [['--path', '/nonexistent-hms'], 'is not an existing folder'],
    [['--path=/etc/passwd'], 'is not an existing folder'],
    [['--path', 'tmp'], 'is not an absolute path'],
  ])('Given check_disk_space %j, When checked, Then a 400 says why', async (args, why) => {
    await expect(check('check_disk_space', args)).rejects.toMatchObject({ status: 400, message: expect.stringContaining(why) });
  });

  it('Given another script, When "--path /etc" is passed, Then /etc is checked like any path and refused', async () => {
    await expect(check('parse_logs', ['--path', '/etc'])).rejects.toMatchObject({ status: 400 });
  });
});

describe('the argument schema', () => {
  it.each(['-f/etc/shadow', 'log/production.log', '--file=log/x', '-x=/etc/shadow'])(
    'Given %j, When parsed, Then it is refused: a path is absolute or --name=/absolute/path',
    (arg) => {
      const parsed = runScriptRequestSchema.safeParse({ args: [arg] });
      expect(parsed.success).toBe(false);
      expect(parsed.error?.issues[0]?.message).toMatch(/a path must be absolute/);
    },
  );

  it.each(['/var/www/cigar', '--path=/var/log/nginx', '--json', 'cigar'])('Given %j, When parsed, Then its shape is accepted', (arg) => {
    expect(runScriptRequestSchema.safeParse({ args: [arg] }).success).toBe(true);
  });
});
