/**
 * The temp tree the hostile-input suites point the agent at: everything the agent
 * may read, write or run lives under `allowed`; a canary file OUTSIDE it (with
 * symlinks inside pointing at it) must stay untouched and unread, and a script out
 * there would prove it ran.
 */
import { randomBytes } from 'node:crypto';
import { chmod, copyFile, mkdir, mkdtemp, readdir, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { NGINX_BINARY, nginxMainConfig } from '../support/nginx-fixture.js';

export interface HostileTree {
  root: string;
  /** Everything the agent may read, write or run lives under here. */
  allowed: string;
  /** Must stay untouched and unread: the canary and a script that would prove it ran. */
  outside: string;
  canary: string;
  marker: string;
  /** The agent config (the `config` option of testAgent). */
  config: Record<string, unknown>;
  /** The allowed tree's realpaths a process may be handed as a file. */
  scriptsDir: string;
}

const REMOTE_CLI_TOOLS = path.resolve('remote-cli-tools');
/** A line of a's after which `a*a*b` backtracks polynomially in a JS RegExp. */
export const LONG_LINE = 'a'.repeat(2000);
/** Far longer: `a*a*b` on it would hold a backtracking engine for hours. */
export const HUGE_LINE = 'a'.repeat(100_000);

const rails = (time: string, level: string, text: string) =>
  `${level[0]}, [2026-11-25T${time}.000000 #7] ${level.padStart(5)} -- : ${text}`;

export async function buildHostileTree(): Promise<HostileTree> {
  const root = await mkdtemp(path.join(tmpdir(), 'hms-hostile-'));
  // Letters only, so no tool's digit-folding (parse_logs groups messages that way) hides it.
  const marker = `HMS-CANARY-${[...randomBytes(12)].map((byte) => String.fromCharCode(97 + (byte % 26))).join('')}`;
  const allowed = path.join(root, 'allowed');
  const outside = path.join(root, 'outside');
  const nginx = path.join(allowed, 'nginx');
  const run = path.join(nginx, 'run');
  const www = path.join(allowed, 'www');
  const scriptsDir = path.join(allowed, 'scripts');
  const dirs = [
    outside,
    run,
    path.join(nginx, 'sites-available'),
    path.join(nginx, 'sites-enabled'),
    path.join(nginx, 'log'),
    scriptsDir,
    path.join(allowed, 'state'),
  ];
  for (const app of ['cigar', 'tobacco']) dirs.push(path.join(www, app, 'shared', 'log'));
  await Promise.all(dirs.map((dir) => mkdir(dir, { recursive: true })));

  // The canary reads as a log (an error line, a 503) and as nginx config (a directive, like any `word;` file).
  const canary = path.join(outside, 'secret.txt');
  await writeFile(
    canary,
    [
      `${marker};`,
      rails('18:02:12', 'ERROR', `${marker} RuntimeError`),
      `203.0.113.9 - - [25/Nov/2026:18:02:11 +0000] "GET /${marker} HTTP/1.1" 503 2 "-" "curl/7.88.1"`,
      '',
    ].join('\n'),
  );
  const evil = path.join(outside, 'evil.sh');
  await writeFile(evil, `#!/bin/sh\ntouch ${outside}/pwned\necho ${marker}\n`);
  await chmod(evil, 0o755);

  await copyFile('/etc/nginx/mime.types', path.join(nginx, 'mime.types'));
  await writeFile(path.join(nginx, 'nginx.conf'), nginxMainConfig(run, path.join(nginx, 'sites-enabled')));
  for (const [site, port] of [
    ['cigar', 8081],
    ['tobacco', 8082],
  ] as const) {
    await writeFile(
      path.join(nginx, 'sites-available', site),
      `server {\n    listen 127.0.0.1:${port};\n    server_name ${site}.test;\n    location / { return 200 "ok"; }\n}\n`,
    );
    await symlink(`../sites-available/${site}`, path.join(nginx, 'sites-enabled', site));
  }
  // An allow-listed site whose file is a symlink out of sitesDir.
  await symlink(canary, path.join(nginx, 'sites-available', 'leak'));

  const accessLog = path.join(nginx, 'log', 'access.log');
  const errorLog = path.join(nginx, 'log', 'error.log');
  await writeFile(accessLog, '203.0.113.9 - - [25/Nov/2026:18:02:11 +0000] "GET /up HTTP/1.1" 200 2 "-" "curl/7.88.1"\n');
  await writeFile(errorLog, '2026/11/25 18:02:11 [error] 812#812: *1 connect() failed (111: Connection refused)\n');
  await writeFile(
    path.join(www, 'cigar', 'shared', 'log', 'production.log'),
    [
      rails('18:02:11', 'INFO', 'Started GET "/" for 203.0.113.9'),
      rails('18:02:12', 'ERROR', 'RuntimeError (boom)'),
      rails('18:02:13', 'INFO', 'Completed 500 in 3ms'),
      '',
    ].join('\n'),
  );
  await writeFile(path.join(www, 'cigar', 'shared', 'log', 'long.log'), `${LONG_LINE}\n`);
  await writeFile(path.join(www, 'cigar', 'shared', 'log', 'huge.log'), `${HUGE_LINE}\n`);
  // An app's log that its owner (the deploy user) replaced with a symlink out.
  await symlink(canary, path.join(www, 'tobacco', 'shared', 'log', 'production.log'));

  // The real troubleshooting scripts, plus a symlink to a script outside.
  for (const entry of await readdir(REMOTE_CLI_TOOLS)) {
    if (!entry.endsWith('.sh')) continue;
    await copyFile(path.join(REMOTE_CLI_TOOLS, entry), path.join(scriptsDir, entry));
    await chmod(path.join(scriptsDir, entry), 0o755);
  }
  await copyFile(path.join(REMOTE_CLI_TOOLS, 'README.md'), path.join(scriptsDir, 'README.md'));
  await symlink(evil, path.join(scriptsDir, 'evil.sh'));

  const config = {
    stateDir: path.join(allowed, 'state'),
    scriptsDir,
    apps: {
      cigar: {
        unit: 'cigar.service',
        root: path.join(www, 'cigar'),
        logFiles: {
          long: path.join(www, 'cigar', 'shared', 'log', 'long.log'),
          huge: path.join(www, 'cigar', 'shared', 'log', 'huge.log'),
        },
      },
      tobacco: { unit: 'tobacco.service', root: path.join(www, 'tobacco') },
    },
    nginx: {
      binary: NGINX_BINARY,
      mainConfig: path.join(nginx, 'nginx.conf'),
      sitesDir: path.join(nginx, 'sites-available'),
      sites: ['cigar', 'tobacco', 'leak'],
      accessLog,
      errorLog,
    },
  };
  return { root, allowed, outside, canary, marker, config, scriptsDir };
}
