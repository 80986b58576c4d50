/**
 * Reading `hms`'s argv: the flags every command understands, parsed once, in this
 * small module rather than by a parser library, so starting `hms` compiles little
 * (meow and its dependencies were 130 KB of the entry, and brought in child_process).
 *
 * As before: `--flag value` and `--flag=value`, kebab-case or camelCase names
 * (`--dry-run`, `--dryRun`), `--no-<boolean>`, short flags (`-y`, `-n 5`, `-n5`, `-yf`),
 * everything after `--` is an argument; an unknown flag or one given twice is a usage error.
 */
import { UsageError } from '../core/errors.js';
import type { GlobalFlags } from './command.js';

type FlagType = 'string' | 'boolean' | 'number';

const FLAGS: Record<string, FlagType> = {
  config: 'string',
  secrets: 'string',
  server: 'string',
  json: 'boolean',
  yes: 'boolean',
  verbose: 'boolean',
  rotate: 'string',
  via: 'string',
  all: 'boolean',
  local: 'boolean',
  persist: 'boolean',
  follow: 'boolean',
  lines: 'number',
  grep: 'string',
  since: 'string',
  until: 'string',
  priority: 'string',
  tokenStdin: 'boolean',
  host: 'string',
  name: 'string',
  user: 'string',
  port: 'number',
  identityFile: 'string',
  publicUrl: 'string',
  app: 'string',
  domain: 'string',
  repo: 'string',
  branch: 'string',
  force: 'boolean',
  readonly: 'boolean',
  dryRun: 'boolean',
  printLog: 'boolean',
  ref: 'string',
  skipTests: 'boolean',
  drill: 'boolean',
  offsite: 'boolean',
  fetch: 'string',
  restoreDatabase: 'boolean',
  reason: 'string',
  message: 'string',
  release: 'string',
  from: 'string',
  list: 'boolean',
  cert: 'string',
  for: 'string',
  key: 'string',
  // Acted on only as the one argument (`hms --version`); elsewhere accepted and ignored.
  version: 'boolean',
};

const SHORT: Record<string, string> = { y: 'yes', f: 'follow', n: 'lines' };

/** Booleans are false unless given; --no-persist turns persist off. */
const DEFAULT_TRUE = new Set(['persist']);

export interface ParsedArgv {
  /** Positional arguments: the command and its arguments. */
  input: string[];
  flags: GlobalFlags & { version?: boolean };
}

const camel = (name: string): string => name.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
const NEGATIVE_NUMBER = /^-(?:\d+|\d*\.\d+)(?:e[+-]?\d+)?$/i;
/** The next word is a flag's value unless it is missing or a flag itself. */
const isValue = (word: string | undefined): word is string => word !== undefined && (!word.startsWith('-') || NEGATIVE_NUMBER.test(word));

/**
 * `lenient`: unknown flags are skipped instead of refused (reading the command a
 * help request is about, where only the positional words matter).
 */
export function parseArgv(argv: readonly string[], lenient = false): ParsedArgv {
  const words = joinDashedValues(argv);
  const input: string[] = [];
  const values: Record<string, string | boolean | number> = {};
  const unknown: string[] = [];
  const set = (key: string, value: string | boolean): void => {
    if (key in values && !lenient) throw new UsageError(`The flag --${key} can only be given once.`, 'Run `hms --help`.');
    values[key] = FLAGS[key] === 'number' ? Number(value) : value;
  };
  for (let i = 0; i < words.length; i += 1) {
    const word = words[i]!;
    if (word === '--') {
      input.push(...words.slice(i + 1));
      break;
    }
    if (!word.startsWith('-') || word === '-' || NEGATIVE_NUMBER.test(word)) {
      input.push(word);
      continue;
    }
    const long = word.startsWith('--');
    const eq = word.indexOf('=');
    const names = long ? [camel(word.slice(2, eq === -1 ? undefined : eq))] : [...word.slice(1, eq === -1 ? undefined : eq)];
    let inline = eq === -1 ? undefined : word.slice(eq + 1);
    for (const [j, raw] of names.entries()) {
      let key = long ? raw : (SHORT[raw] ?? `-${raw}`);
      let negated = false;
      if (long && !(key in FLAGS) && /^no[A-Z]/.test(key)) {
        const positive = key[2]!.toLowerCase() + key.slice(3);
        if (FLAGS[positive] === 'boolean') [key, negated] = [positive, true];
      }
      const type = FLAGS[key];
      if (!type) {
        unknown.push(long ? word : `-${raw}`);
        continue;
      }
      if (type === 'boolean') {
        if (inline === 'true' || inline === 'false') set(key, (inline === 'true') !== negated);
        else set(key, !negated);
        continue;
      }
      // A short flag with its value attached (`-n5`) ends the group.
      if (!long && j < names.length - 1) {
        inline = names.slice(j + 1).join('') + (inline === undefined ? '' : `=${inline}`);
      }
      if (inline !== undefined) set(key, inline);
      else if (isValue(words[i + 1])) set(key, words[++i]!);
      else set(key, '');
      break;
    }
  }
  if (unknown.length > 0 && !lenient) {
    throw new UsageError(
      `Unknown flag${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}.`,
      'Run `hms --help` for the flags there are.',
    );
  }
  for (const [key, type] of Object.entries(FLAGS)) {
    if (type === 'boolean' && !(key in values)) values[key] = DEFAULT_TRUE.has(key);
  }
  return { input, flags: values as unknown as ParsedArgv['flags'] };
}

/**
 * A flag's value that starts with "-" (`--since -1h`) would be read as more flags, so
 * for the flags that take such values the two words become one (`--since=-1h`).
 */
const TAKES_DASHED_VALUE = new Set(['--since', '--until']);

export function joinDashedValues(argv: readonly string[]): string[] {
  const joined: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const word = argv[i]!;
    if (word === '--') return [...joined, ...argv.slice(i)];
    const value = argv[i + 1];
    if (TAKES_DASHED_VALUE.has(word) && value !== undefined && /^-\d/.test(value)) {
      joined.push(`${word}=${value}`);
      i += 1;
    } else joined.push(word);
  }
  return joined;
}
