/**
 * The `:` command palette: `:logs cigar`, `:restart tobacco`, `:deploy cigar`,
 * `:run check_status` (or `check_status.sh`), `:server prod`, `:overview`, `:q` ... parsed into commands, and completion hints
 * as you type.
 */
import { knownScriptName } from '../../src/api/scripts.js';
import type { ScreenName } from './ui-state.js';

export type PaletteCommand =
  | { kind: 'screen'; screen: ScreenName }
  | { kind: 'logs'; app?: string }
  | { kind: 'app-action'; action: 'start' | 'stop' | 'restart'; app: string }
  | { kind: 'server'; name: string }
  | { kind: 'deploys'; app: string }
  | { kind: 'deploy'; app: string }
  | { kind: 'backups'; app: string }
  | { kind: 'run-script'; script: string }
  | { kind: 'help' }
  | { kind: 'quit' };

/** What the arguments can be: the apps and servers known right now. */
export interface PaletteWords {
  apps: string[];
  servers: string[];
  /** The current server's scripts, once listed; until then any name goes to the agent, which judges it. */
  scripts?: string[] | undefined;
}

type Argument = 'app' | 'server' | 'script' | 'none';

interface Verb {
  name: string;
  aliases: string[];
  argument: Argument;
  optional?: boolean;
  summary: string;
  build(argument: string | undefined): PaletteCommand;
}

const screen = (name: ScreenName, aliases: string[], summary: string): Verb => ({
  name,
  aliases,
  argument: 'none',
  summary,
  build: () => ({ kind: 'screen', screen: name }),
});
const action = (name: 'start' | 'stop' | 'restart', summary: string): Verb => ({
  name,
  aliases: [],
  argument: 'app',
  summary,
  build: (app) => ({ kind: 'app-action', action: name, app: app! }),
});

export const VERBS: Verb[] = [
  screen('overview', ['o', 'apps', 'status'], 'servers and apps'),
  {
    name: 'logs',
    aliases: ['log'],
    argument: 'app',
    optional: true,
    summary: 'follow the logs of an app',
    build: (app) => (app ? { kind: 'logs', app } : { kind: 'logs' }),
  },
  screen('configs', ['config', 'nginx'], 'nginx sites: view, edit, apply'),
  screen('scripts', ['script'], 'troubleshooting scripts'),
  {
    name: 'run',
    aliases: [],
    argument: 'script',
    optional: true,
    summary: 'run a script (asks for its arguments); alone, the scripts',
    build: (script) => (script ? { kind: 'run-script', script } : { kind: 'screen', screen: 'scripts' }),
  },
  screen('audit', ['history'], 'recent actions'),
  screen('certs', ['certificates', 'tls'], "each site's certificate: days left, last renewal"),
  screen('schedules', ['schedule', 'timers'], "each app's scheduled tasks: last run, result, next; enter runs one"),
  screen('incidents', ['alerts', 'incident'], 'open and resolved incidents, the alert channels; m mutes, u unmutes, t tests'),
  {
    name: 'deploys',
    aliases: ['releases'],
    argument: 'app',
    optional: true,
    summary: 'apps with release and lock; with an app, its releases',
    build: (app) => (app ? { kind: 'deploys', app } : { kind: 'screen', screen: 'deploys' }),
  },
  {
    name: 'deploy',
    aliases: [],
    argument: 'app',
    summary: 'deploy an app (asks for the ref, then y/n)',
    build: (app) => ({ kind: 'deploy', app: app! }),
  },
  {
    name: 'backups',
    aliases: ['backup'],
    argument: 'app',
    optional: true,
    summary: 'apps with a database; with an app, its snapshots, back up now, drill, restore',
    build: (app) => (app ? { kind: 'backups', app } : { kind: 'screen', screen: 'backups' }),
  },
  screen('agent', ['update'], "the agent's releases and self-update"),
  action('restart', 'restart an app'),
  action('stop', 'stop an app'),
  action('start', 'start an app'),
  {
    name: 'server',
    aliases: ['ctx', 'context'],
    argument: 'server',
    summary: 'switch the current server',
    build: (name) => ({ kind: 'server', name: name! }),
  },
  { name: 'help', aliases: ['h'], argument: 'none', summary: 'every key', build: () => ({ kind: 'help' }) },
  { name: 'quit', aliases: ['q', 'q!', 'exit'], argument: 'none', summary: 'leave hms', build: () => ({ kind: 'quit' }) },
];

function findVerb(word: string): Verb | undefined {
  const lower = word.toLowerCase();
  return VERBS.find((verb) => verb.name === lower || verb.aliases.includes(lower));
}

function candidates(argument: Argument, words: PaletteWords): string[] {
  return argument === 'app' ? words.apps : argument === 'server' ? words.servers : argument === 'script' ? (words.scripts ?? []) : [];
}

/** The word as the list knows it (a script may be named with `.sh`); undefined when the list says no. */
function knownArgument(argument: Argument, word: string, words: PaletteWords): string | undefined {
  if (argument !== 'script') return candidates(argument, words).includes(word) ? word : undefined;
  if (words.scripts === undefined) return word;
  const name = knownScriptName(word, words.scripts);
  return words.scripts.includes(name) ? name : undefined;
}

const NEEDS: Record<Argument, string> = { app: 'an app', server: 'a server', script: 'a script', none: '' };

export type PaletteResult = { ok: true; command: PaletteCommand } | { ok: false; error: string };

export function parsePalette(text: string, words: PaletteWords): PaletteResult {
  const [word, argument, ...extra] = text.trim().replace(/^:/, '').split(/\s+/).filter(Boolean);
  if (!word) return { ok: false, error: 'Type a command, e.g. :logs cigar (tab completes).' };
  const verb = findVerb(word);
  if (!verb) return { ok: false, error: `Unknown command "${word}". Commands: ${VERBS.map((v) => v.name).join(', ')}.` };
  if (extra.length > 0 || (verb.argument === 'none' && argument))
    return { ok: false, error: `:${verb.name} takes ${verb.argument === 'none' ? 'no argument' : `one ${verb.argument}`}.` };
  if (verb.argument !== 'none' && !argument) {
    if (verb.optional) return { ok: true, command: verb.build(undefined) };
    return {
      ok: false,
      error: `:${verb.name} needs ${NEEDS[verb.argument]}: ${candidates(verb.argument, words).join(', ') || 'none known yet'}.`,
    };
  }
  const known = argument === undefined ? undefined : knownArgument(verb.argument, argument, words);
  if (argument !== undefined && known === undefined) {
    return {
      ok: false,
      error: `Unknown ${verb.argument} "${argument}". Known: ${candidates(verb.argument, words).join(', ') || 'none yet'}.`,
    };
  }
  return { ok: true, command: verb.build(known) };
}

export interface PaletteHints {
  /** The text after Tab: the input completed as far as it is unambiguous. */
  completion: string;
  /** What could come next, for the hint line. */
  hints: string[];
}

/** Completion for what is typed so far (without the leading `:`). */
export function paletteHints(text: string, words: PaletteWords): PaletteHints {
  const endsWithSpace = /\s$/.test(text);
  const parts = text.trimStart().split(/\s+/);
  if (parts.length <= 1 && !endsWithSpace) {
    const typed = (parts[0] ?? '').toLowerCase();
    const matching = VERBS.filter((verb) => verb.name.startsWith(typed));
    const names = matching.map((verb) => verb.name);
    const exact = findVerb(typed);
    if (exact && !names.includes(exact.name)) names.unshift(exact.name);
    return { completion: complete(typed, names, exact?.argument !== 'none' && names.length === 1), hints: names };
  }
  const verb = findVerb(parts[0]!);
  if (!verb || verb.argument === 'none') return { completion: text, hints: [] };
  const typed = endsWithSpace ? '' : (parts[1] ?? '');
  const names = candidates(verb.argument, words).filter((name) => name.startsWith(typed));
  return { completion: `${verb.name} ${complete(typed, names, false)}`, hints: names };
}

/** The longest common prefix of `names` (at least `typed`); a space after a whole word when asked. */
function complete(typed: string, names: string[], spaceAfter: boolean): string {
  if (names.length === 0) return typed;
  let prefix = names[0]!;
  for (const name of names.slice(1)) while (!name.startsWith(prefix)) prefix = prefix.slice(0, -1);
  if (prefix.length < typed.length) return typed;
  return names.length === 1 && spaceAfter ? `${prefix} ` : prefix;
}
