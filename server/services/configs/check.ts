/**
 * `nginx -t` for a staged site file, without touching the live one: a temporary main
 * config beside the real one (so relative includes such as `mime.types` resolve)
 * whose `include …/sites-enabled/*;` is replaced by the enabled sites, minus this
 * one, plus the staged copy.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, realpath, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { AgentDeps } from '../../env.js';
import { ApiError } from '../../errors.js';
import { removeQuietly } from './files.js';
import { lintPrefixes } from './lint.js';
import { redactNginxOutput } from './redact.js';
import { nginxStatements } from './tokens.js';
import { pathKinds, sandboxedArgv, sandboxFailed } from './sandbox.js';
import { sitesEnabledDir, type NginxConfig, type SiteFile } from './sites.js';

export const TEST_CONFIG_PATTERN = /^\.hms-test-[0-9a-f]+\.conf$/;
const NGINX_TEST_TIMEOUT_MS = 30_000;

/** `include …sites-enabled/*;` at the start of a line (so never inside a comment). */
const SITES_INCLUDE = /^([ \t]*)include[ \t]+(["']?)[^;"'\s]*sites-enabled\/\*[^;"'\s]*\2[ \t]*;/gm;

export function quoteForNginx(file: string): string {
  return `"${file.replace(/[\\"]/g, (char) => `\\${char}`)}"`;
}

/** The main config's text with its sites-enabled include replaced by `files`; null when it has none. */
export function withExplicitSites(mainText: string, files: readonly string[]): string | null {
  if (!mainText.match(SITES_INCLUDE)) return null;
  return mainText.replace(
    SITES_INCLUDE,
    (_line, indent: string) => files.map((file) => `${indent}include ${quoteForNginx(file)};`).join('\n') || `${indent}# no enabled sites`,
  );
}

/** What nginx would include from sites-enabled (its glob skips dot files), minus `site`. */
async function otherEnabledSites(nginx: NginxConfig, site: SiteFile): Promise<string[]> {
  const dir = sitesEnabledDir(nginx);
  const entries = (await readdir(dir).catch(() => [] as string[])).filter((entry) => !entry.startsWith('.')).sort();
  const others: string[] = [];
  for (const entry of entries) {
    const file = path.join(dir, entry);
    if ((await realpath(file).catch(() => file)) !== site.file) others.push(file);
  }
  return others;
}

/** nginx's words, with our temporary names replaced by the ones the user knows. */
export function rewriteNginxMessage(text: string, renames: ReadonlyArray<readonly [string, string]>): string {
  return renames.reduce((out, [from, to]) => out.split(from).join(to), text);
}

/** `unknown directive "foo" in …:3` out of `2025/… [emerg] 12#12: unknown directive …`. */
export function firstNginxError(stderr: string): string {
  const lines = stderr.split('\n').filter((line) => line.trim() !== '');
  const line = lines.find((candidate) => /\[(emerg|alert|crit|error)\]/.test(candidate)) ?? lines[0] ?? 'no message';
  return line.replace(/^.*?\[(emerg|alert|crit|error)\]\s*(\d+#\d+:\s*)?/, '');
}

export async function testStagedSite(options: { deps: AgentDeps; site: SiteFile; staged: string }): Promise<void> {
  const { nginx } = options.deps.config;
  const mainText = await readFile(nginx.mainConfig, 'utf8');
  const text = withExplicitSites(mainText, [...(await otherEnabledSites(nginx, options.site)), options.staged]);
  if (text === null) {
    throw new ApiError(500, `${nginx.mainConfig} has no \`include …/sites-enabled/*;\` line, so a site cannot be tested alone.`, {
      hint:
        `Include the sites with \`include ${sitesEnabledDir(nginx)}/*;\` in ${nginx.mainConfig}, ` +
        'or point nginx.mainConfig at the file that does.',
    });
  }
  const tempMain = path.join(path.dirname(nginx.mainConfig), `.hms-test-${randomBytes(8).toString('hex')}.conf`);
  try {
    await writeFile(tempMain, text, { flag: 'wx', mode: 0o600 });
    const argv = [nginx.binary, '-t', '-q', '-c', tempMain];
    const result = await options.deps.exec(nginx.testSandbox ? await inSandbox(argv, options.deps, mainText) : argv, {
      timeoutMs: NGINX_TEST_TIMEOUT_MS,
    });
    if (result.code === 0) return;
    const liveName = path.join(nginx.sitesDir, options.site.name);
    if (nginx.testSandbox && sandboxFailed(result)) throw sandboxError(result.stderr);
    const renamed = rewriteNginxMessage(result.stderr || result.stdout, [
      [options.staged, liveName],
      [tempMain, nginx.mainConfig],
    ]);
    const stderr = redactNginxOutput(renamed, { siteFile: liveName, allowedPrefixes: lintPrefixes(nginx) });
    throw new ApiError(422, `nginx -t rejected the new ${options.site.name} config: ${firstNginxError(stderr)}`, {
      hint: result.timedOut
        ? 'nginx -t timed out; try again.'
        : 'Fix the line nginx names and send the change again; the live file is unchanged.',
      details: { stderr },
    });
  } finally {
    await removeQuietly(tempMain);
  }
}

/** Debian's nginx is built with --pid-path=/run/nginx.pid; the main config may say otherwise. */
const DEFAULT_PID_FILE = '/run/nginx.pid';

function pidFolder(mainText: string, mainConfig: string): string {
  const named = nginxStatements(mainText).find((statement) => statement.name === 'pid')?.args[0];
  return path.dirname(path.resolve(path.dirname(mainConfig), named ?? DEFAULT_PID_FILE));
}

/** nginx -t in a mount namespace holding only the allowed folders (nginx-sandbox.ts). */
async function inSandbox(argv: string[], deps: AgentDeps, mainText: string): Promise<string[]> {
  const { nginx, stateDir } = deps.config;
  const root = path.join(stateDir, 'nginx-sandbox');
  await mkdir(root, { recursive: true, mode: 0o700 });
  const logs = [nginx.accessLog, nginx.errorLog].map((file) => path.dirname(file));
  const paths = {
    root,
    readOnly: [...lintPrefixes(nginx), nginx.sitesDir, sitesEnabledDir(nginx)],
    writable: [...logs, ...nginx.sandboxWritable],
    scratch: [pidFolder(mainText, nginx.mainConfig)],
  };
  return sandboxedArgv(argv, paths, await pathKinds(paths));
}

/** Lines of the sandbox's own tools (they name only the folders it binds, never a file's content). */
const SANDBOX_TOOL_LINE = /^(unshare|mount|chroot|mkdir|\/bin\/sh|hms-nginx-sandbox): .{0,300}$/;

/** Refused rather than run unsandboxed: only the config may turn the sandbox off. */
function sandboxError(output: string): ApiError {
  const lines = output.split('\n').filter((line) => SANDBOX_TOOL_LINE.test(line));
  const stderr = lines.join('\n');
  const why = lines.find((line) => !line.startsWith('hms-nginx-sandbox:')) ?? 'no message';
  return new ApiError(500, `nginx -t could not run in its sandbox, so the change was not saved (${why}).`, {
    hint:
      'The sandbox needs root with CAP_SYS_ADMIN and CAP_SYS_CHROOT, mount namespaces and util-linux unshare, mount and chroot; ' +
      'see `journalctl -u hms-agent`. To test without it (the directive lint still applies), ' +
      'set nginx.testSandbox to false in the agent config.',
    details: { stderr },
  });
}
