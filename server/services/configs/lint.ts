/**
 * A site's content is checked before it is staged: `nginx -t` runs as root, and a
 * site that says `include /etc/shadow;` would have nginx quote its first word back,
 * one that says `access_log /anywhere/x;` would have it create that file. So the
 * directives that name files (include, logs, certificates and keys, password files,
 * root/alias, temp and cache paths) may only name them under the folders nginx owns
 * (prefixes below plus the configured main config and log folders), without ".." or
 * $variables, and, symlinks resolved, still there (for an include's glob, every file
 * it matches). Only directives on an allow-list are accepted (nginx-directives.ts):
 * a module nobody listed (xslt, njs, geoip, …) is refused by name.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { AgentConfig } from '../../config.js';
import { ApiError } from '../../errors.js';
import { realPathOfNearest } from '../files/index.js';
import { DIRECTIVES_HINT, directiveProblem } from './directives.js';
import { nginxStatements, type NginxStatement } from './tokens.js';

export const ALLOWED_PREFIXES = ['/etc/nginx/', '/var/log/nginx/', '/var/www/', '/etc/letsencrypt/', '/usr/share/nginx/'];

const PATH_DIRECTIVES = new Set([
  'include',
  'access_log',
  'error_log',
  'ssl_certificate',
  'ssl_certificate_key',
  'ssl_trusted_certificate',
  'ssl_dhparam',
  'ssl_password_file',
  'auth_basic_user_file',
  'root',
  'alias',
  'pid',
]);
/** The same kinds of file under other modules' names: proxy_ssl_certificate, ssl_crl, proxy_cache_path, … */
const PATH_DIRECTIVE_PATTERNS = [
  /(^|_)ssl_((trusted_|client_)?certificate|certificate_key|crl|dhparam|password_file|stapling_file|session_ticket_key)$/,
  /_(temp|cache)_path$/,
  /_user_file$/,
];
/** Their first word is not a file: `access_log off`, `error_log stderr`, syslog, an in-memory buffer, inline PEM. */
const NOT_A_FILE = /^(off|stderr|syslog:.*|memory:.*|data:.*)$/s;

export function isPathDirective(name: string): boolean {
  return PATH_DIRECTIVES.has(name) || PATH_DIRECTIVE_PATTERNS.some((pattern) => pattern.test(name));
}

/** nginx reads these relative to its config folder (the others relative to its prefix, /usr/share/nginx on Debian). */
function inConfigDir(name: string): boolean {
  return name === 'include' || PATH_DIRECTIVE_PATTERNS[0]!.test(name) || /_file$/.test(name);
}

interface LintContext {
  prefixes: string[];
  /** The same, symlinks resolved. */
  realPrefixes: string[];
  /** Relative includes resolve here (nginx's conf prefix: the main config's folder). */
  configDir: string;
  realStateDir: string;
}

const asPrefix = (dir: string): string => (dir.endsWith('/') ? dir : `${dir}/`);

export function lintPrefixes(nginx: AgentConfig['nginx']): string[] {
  const folders = [nginx.mainConfig, nginx.accessLog, nginx.errorLog]
    .map((file) => path.dirname(path.resolve(file)))
    .filter((dir) => dir !== '/');
  return [...new Set([...ALLOWED_PREFIXES, ...folders.map(asPrefix)])];
}

const under = (prefixes: readonly string[], file: string): boolean => prefixes.some((prefix) => asPrefix(file).startsWith(prefix));

/** The folder part of an include's glob (`/etc/nginx/conf.d/*.conf` -> /etc/nginx/conf.d). */
function withoutGlob(file: string): string {
  const parts = file.split('/');
  const first = parts.findIndex((part) => /[*?[]/.test(part));
  return first < 0 ? file : parts.slice(0, first).join('/') || '/';
}

/** The file a statement names, if any: the first word, or a `listen unix:` socket. */
function namedFile(statement: NginxStatement): string | undefined {
  if (statement.name === 'listen') return statement.args[0]?.startsWith('unix:') ? statement.args[0].slice('unix:'.length) : undefined;
  return isPathDirective(statement.name) ? statement.args[0] : undefined;
}

/** Most names an include's glob may match (each is checked). */
const MAX_INCLUDE_MATCHES = 500;

/** The existing files a glob matches (`*`, `?` and `[…]` in any name), as nginx's glob(3) would. */
async function globMatches(pattern: string): Promise<string[]> {
  let found = ['/'];
  for (const part of pattern.split('/').filter(Boolean)) {
    if (!/[*?[]/.test(part)) {
      found = found.map((dir) => path.join(dir, part));
      continue;
    }
    const matcher = globRegExp(part);
    const next: string[] = [];
    for (const dir of found) {
      const names = await readdir(dir).catch(() => [] as string[]);
      next.push(...names.filter((name) => !name.startsWith('.') && matcher.test(name)).map((name) => path.join(dir, name)));
    }
    found = next.slice(0, MAX_INCLUDE_MATCHES + 1);
  }
  return found;
}

function globRegExp(part: string): RegExp {
  const literal = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  let source = '';
  for (let i = 0; i < part.length; i += 1) {
    const char = part[i]!;
    const close = char === '[' ? part.indexOf(']', i + 2) : -1;
    if (char === '*') source += '.*';
    else if (char === '?') source += '.';
    else if (char === '\\' && i + 1 < part.length) source += literal(part[(i += 1)]!);
    else if (close > 0) {
      const set = part.slice(i + 1, close);
      source += `[${set.startsWith('!') ? '^' : ''}${set.replace(/^!/, '').replace(/[\\\]^]/g, '\\$&')}]`;
      i = close;
    } else source += literal(char);
  }
  return new RegExp(`^${source}$`, 's');
}

/** What is wrong with the file `statement` names, or undefined. */
async function fileProblem(statement: NginxStatement, context: LintContext): Promise<string | undefined> {
  const value = namedFile(statement);
  if (value === undefined || NOT_A_FILE.test(value)) return undefined;
  if (value.startsWith('engine:')) return 'OpenSSL engine keys are not accepted';
  if (value.includes('$')) return 'a $variable in a file path is not accepted';
  if (value.split('/').includes('..')) return '".." in a file path is not accepted';
  let file = value;
  if (!value.startsWith('/')) {
    // Without "..", one relative to nginx's prefix stays in it (root-owned); one relative to the config folder is checked there.
    if (!inConfigDir(statement.name)) return undefined;
    file = path.join(context.configDir, value);
  }
  if (!under(context.prefixes, file)) return 'it is outside the allowed folders';
  const problem = await realProblem(withoutGlob(file), context);
  if (problem || statement.name !== 'include' || withoutGlob(file) === file) return problem;
  // A glob: each file it matches is what nginx reads, and any of them may be a symlink out.
  const matches = await globMatches(file);
  if (matches.length > MAX_INCLUDE_MATCHES) return `it matches more than ${MAX_INCLUDE_MATCHES} files`;
  for (const match of matches) {
    const matchProblem = await realProblem(match, context);
    if (matchProblem) return `${matchProblem} (${JSON.stringify(path.basename(match).slice(0, 100))})`;
  }
  return undefined;
}

async function realProblem(file: string, context: LintContext): Promise<string | undefined> {
  const real = await realPathOfNearest(file);
  if (real === undefined || !under(context.realPrefixes, real)) return 'it leads (through a symlink) outside the allowed folders';
  if (asPrefix(real).startsWith(context.realStateDir)) return "it is inside the agent's state folder";
  return undefined;
}

/** A 422 naming the directive and its line, before anything is staged or tested. */
export async function lintSite(options: { nginx: AgentConfig['nginx']; stateDir: string; site: string; content: string }): Promise<void> {
  const prefixes = lintPrefixes(options.nginx);
  const realOf = async (dir: string): Promise<string> => asPrefix((await realPathOfNearest(dir)) ?? path.resolve(dir));
  const context: LintContext = {
    prefixes,
    realPrefixes: await Promise.all(prefixes.map(realOf)),
    configDir: path.dirname(path.resolve(options.nginx.mainConfig)),
    realStateDir: await realOf(options.stateDir),
  };
  const hint =
    'Files named by include, access_log, error_log, ssl_*, auth_basic_user_file, root, alias, listen unix: and *_temp_path/*_cache_path ' +
    `must be under ${prefixes.join(', ')}, without ".." or $variables (a relative include stays in ${context.configDir}/). ` +
    `${DIRECTIVES_HINT} Change that line and send the site again; the live file is unchanged.`;
  for (const statement of nginxStatements(options.content)) {
    const refuse = (why: string) =>
      new ApiError(422, `Refusing the new ${options.site} config: line ${statement.line}: ${statement.name} ${why}.`, {
        hint,
        details: { line: statement.line, directive: statement.name, allowedPrefixes: prefixes },
      });
    const refused = directiveProblem(statement.name, statement.block);
    if (refused) throw refuse(refused);
    if (namedFile(statement) === undefined) continue;
    const problem = await fileProblem(statement, context);
    if (problem) throw refuse(`${JSON.stringify((namedFile(statement) ?? '').slice(0, 200))}: ${problem}`);
  }
}
