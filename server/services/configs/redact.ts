/**
 * What of `nginx -t`'s output an answer may show. nginx runs as root and reads
 * whatever a config names; nginx quotes words of the files it reads (`unknown
 * directive "root:$y$…" in /etc/shadow:1`) and libraries it loads print their own
 * lines (libxml2 quotes the line it could not parse). So the output is let through
 * line by line: only lines in nginx's own message shapes pass; on a line about any
 * file but the site being changed, quoted words are masked; and any path outside
 * the allowed folders is masked wherever it appears.
 */

const LEVELS = '(?:emerg|alert|crit|error|warn|notice|info)';
/** `nginx: [emerg] …`, or as logged: `2026/12/04 17:33:36 [error] 22092#22092: …`. */
const MESSAGE = new RegExp(`^(nginx: |\\d{4}/\\d\\d/\\d\\d \\d\\d:\\d\\d:\\d\\d )\\[(${LEVELS})\\] (\\d+#\\d+: )?(.*)$`);
const VERDICT = /^nginx: (configuration file \S+ test (?:failed|is successful)|the configuration file \S+ syntax is ok)$/;
const LOCATION = /^(.*) in (\/\S*):(\d+)$/;

export interface RedactOptions {
  /** The site being changed (by its live name): its own words may be quoted back. */
  siteFile: string;
  /** Folders whose paths may be named (nginx-lint's prefixes, each ending in "/"). */
  allowedPrefixes: readonly string[];
}

export function redactNginxOutput(output: string, options: RedactOptions): string {
  const kept: string[] = [];
  let withheld = 0;
  for (const raw of output.split('\n')) {
    const line = raw.trimEnd();
    if (line === '') continue;
    const verdict = VERDICT.exec(line);
    if (verdict) {
      kept.push(`nginx: ${maskPaths(verdict[1]!, options)}`);
      continue;
    }
    const message = MESSAGE.exec(line);
    if (!message) {
      withheld += 1;
      continue;
    }
    kept.push(`nginx: [${message[2]}] ${redactMessage(message[4]!, options)}`);
  }
  if (withheld > 0) kept.push(`(${withheld} more line${withheld === 1 ? '' : 's'} withheld: not in nginx's own message format)`);
  return kept.join('\n');
}

function redactMessage(message: string, options: RedactOptions): string {
  const at = LOCATION.exec(message);
  const file = at?.[2];
  const text = at ? at[1]! : message;
  const own = file === options.siteFile;
  // About another file (or none): what it quotes may be that file's content, unless it is an allowed path.
  const body = own ? text : text.replace(/"[^"]*"/g, (quoted) => (isAllowedPath(quoted.slice(1, -1), options) ? quoted : '"…"'));
  const where = at ? ` in ${isAllowedPath(file!, options) ? file : '…'}:${at[3]}` : '';
  return `${maskPaths(body, options)}${where}`;
}

function isAllowedPath(value: string, options: RedactOptions): boolean {
  return (
    value === options.siteFile ||
    (value.startsWith('/') && !value.split('/').includes('..') && options.allowedPrefixes.some((prefix) => value.startsWith(prefix)))
  );
}

/** Absolute paths outside the allowed folders become "…". */
function maskPaths(text: string, options: RedactOptions): string {
  return text.replace(/(^|[\s"'(=])(\/[^\s"'():;,]*)/g, (whole, before: string, file: string) =>
    isAllowedPath(file, options) ? whole : `${before}…`,
  );
}
