/**
 * systemd's EnvironmentFile format, both ways: the lines provisioning writes and the
 * values systemd reads back from them. The reader follows systemd's own parser
 * (src/basic/env-file.c): `#` and `;` start a comment only at the start of a line;
 * an unquoted value ends at the line's end, loses its trailing blanks, and takes the
 * character after a backslash as it is; '…' keeps everything; "…" takes `\"`, `\\`,
 * `` \` `` and `\$` as the character and keeps any other backslash; no `$` is expanded.
 * The agent reads app env files with it (the env of `hms exec` and deploys, the hashes
 * of `hms env`) so that what it sees is what puma gets from systemd.
 */
import { createHmac } from 'node:crypto';

/** A value systemd reads back unchanged without quotes (and a person reads without them). */
const BARE = /^[A-Za-z0-9_@%+=:,./-]*$/;

/** One `NAME=value` line (no newline) that systemd reads back as exactly `value`. */
export function envFileLine(name: string, value: string): string {
  if (BARE.test(value)) return `${name}=${value}`;
  return `${name}="${value.replace(/["\\`$]/g, (c) => `\\${c}`)}"`;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const BLANK = ' \t';
const NEED_ESCAPE = '"\\`$';

type State = 'pre-key' | 'key' | 'pre-value' | 'value' | 'value-escape' | 'single' | 'double' | 'double-escape' | 'comment';

/** The variables an EnvironmentFile gives, as systemd reads them; a later line wins. Names systemd refuses are skipped. */
export function parseEnvFile(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  let state: State = 'pre-key';
  let key = '';
  let value = '';
  // Where trailing blanks of an unquoted value start (-1: none pending).
  let blankFrom = -1;
  const push = () => {
    const name = key.trim();
    if (NAME.test(name)) vars[name] = blankFrom >= 0 ? value.slice(0, blankFrom) : value;
    key = '';
    value = '';
    blankFrom = -1;
    state = 'pre-key';
  };
  for (const c of `${text}\n`) {
    const newline = c === '\n' || c === '\r';
    switch (state) {
      case 'pre-key':
        if (c === '#' || c === ';') state = 'comment';
        else if (!newline && !BLANK.includes(c)) {
          state = 'key';
          key = c;
        }
        break;
      case 'key':
        if (newline) {
          key = '';
          state = 'pre-key';
        } else if (c === '=') state = 'pre-value';
        else key += c;
        break;
      case 'pre-value':
        if (newline) push();
        else if (c === "'") state = 'single';
        else if (c === '"') state = 'double';
        else if (c === '\\') state = 'value-escape';
        else if (!BLANK.includes(c)) {
          state = 'value';
          value += c;
        }
        break;
      case 'value':
        if (newline) push();
        else if (c === '\\') {
          state = 'value-escape';
          blankFrom = -1;
        } else {
          if (!BLANK.includes(c)) blankFrom = -1;
          else if (blankFrom < 0) blankFrom = value.length;
          value += c;
        }
        break;
      case 'value-escape':
        state = 'value';
        if (!newline) value += c;
        break;
      case 'single':
        if (c === "'") state = 'pre-value';
        else value += c;
        break;
      case 'double':
        if (c === '"') state = 'pre-value';
        else if (c === '\\') state = 'double-escape';
        else value += c;
        break;
      case 'double-escape':
        state = 'double';
        if (NEED_ESCAPE.includes(c)) value += c;
        else if (c !== '\n') value += `\\${c}`;
        break;
      case 'comment':
        if (newline) state = 'pre-key';
        break;
    }
  }
  return vars;
}

/** HMAC-SHA256 of a value under a key (hex): how the agent tells a value of an env file, and the laptop checks it. */
export const envValueDigest = (keyHex: string, value: string): string =>
  createHmac('sha256', Buffer.from(keyHex, 'hex')).update(value, 'utf8').digest('hex');
