/**
 * `hms`: parses flags once, runs one command, prints its result or its error,
 * and is the only place that sets the exit code.
 *
 * Starting quickly matters (`hms status` is typed all day): this module and what it
 * imports statically answer `--version` and every help; a command's module (and the
 * client, config schemas, undici, ssh2 behind it) is imported only when it runs.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as nodeModule from 'node:module';
import { homedir } from 'node:os';
import { parseArgv, type ParsedArgv } from './commands/cli-argv.js';
import { UsageError } from './core/errors.js';
import { commands, loadCommand } from './commands/index.js';
import type { CommandContext, CommandHelp, GlobalFlags } from './commands/command.js';
import { findTopic, isHelpFlag, ownArguments, renderHelp, unknownCommand } from './commands/help.js';
import { printError, printOutput, type Streams } from './commands/output.js';
import { VERSION } from './core/version.js';
import { monitorHelp } from '../tui/monitor/help.js';
import { showSplash } from '../tui/splash.js';

/** The connection holder, built next to this script (dist/hms-holder.mjs); absent when run from sources. */
const HOLDER_ENTRY = fileURLToPath(new URL('./hms-holder.mjs', import.meta.url));

/** Everything `hms help <command>` can explain. */
const topics: CommandHelp[] = [...commands, monitorHelp];

const help = `
  A control center for the servers that host your Rails apps.

  Usage
    $ hms                     the full-screen control center (in a terminal)
    $ hms monitor             charts of the server: CPU, memory, disks, requests
    $ hms <command> [arguments] [flags]

  Commands
${commands
  .flatMap((command) => command.usage.map((usage, i) => `    ${usage.padEnd(40)} ${i === 0 ? command.summary : ''}`.trimEnd()))
  .join('\n')}

  Flags
    --config PATH    configuration file (default: ./hms.config.json, then $XDG_CONFIG_HOME/hms/config.json)
    --secrets PATH   secrets file (default: .secrets.json next to the configuration)
    --server NAME    the server to act on (default: the only one configured)
    --all            every configured server, concurrently (status, metrics, logs)
    --via ssh|https  reach the agent through SSH (default) or its public HTTPS URL
    --local          use an agent in this process for this machine (the default with no server configured)
    --no-persist     connect directly: no background holder keeping the SSH connection for the next command
    --json           machine-readable output
    --yes, -y        answer yes to confirmations
    --verbose        stack traces on errors
    --help, -h, --version

  \`hms help <command>\` (or \`hms <command> --help\`) shows a command's flags and examples.

  Exit codes: 0 success, 1 failure, 2 usage error.
`;

/**
 * Node 22.1+: V8's code cache for the modules loaded from here on (a command's, the
 * TUI's), in the user's own cache directory (not the shared temp directory Node
 * would pick). Node 20 has no such thing; there this does nothing.
 */
function enableCompileCache(env: NodeJS.ProcessEnv): void {
  const enable = (nodeModule as { enableCompileCache?: (dir?: string) => unknown }).enableCompileCache;
  if (typeof enable !== 'function' || env.NODE_COMPILE_CACHE !== undefined) return;
  try {
    enable(`${env.XDG_CACHE_HOME || `${env.HOME || homedir()}/.cache`}/hms/compile-cache`);
  } catch {
    // A cache is an optimisation: without one, hms starts as it did.
  }
}

export async function main(argv = process.argv.slice(2)): Promise<number> {
  enableCompileCache(process.env);
  const streams = { stdout: process.stdout, stderr: process.stderr };
  // Decided before anything else: asking for help never loads a config, connects, or acts.
  const asked = helpAsked(argv);
  if (asked) {
    try {
      streams.stdout.write(asked.name ? `${renderHelp(findTopic(topics, asked.name))}\n` : overview());
      return 0;
    } catch (error) {
      return printError(error, { json: false, verbose: false }, streams);
    }
  }
  if (argv.length === 1 && argv[0] === '--version') {
    streams.stdout.write(`${VERSION}\n`);
    return 0;
  }
  let parsed: ParsedArgv;
  try {
    parsed = parseArgv(argv);
  } catch (error) {
    return printError(error, { json: false, verbose: false }, streams);
  }
  return run(parsed, streams);
}

/** `hms --help`: the text above, between one empty line before and after. */
function overview(): string {
  return `\n${help.replace(/^\n+|\s+$/g, '')}\n\n`;
}

/**
 * `hms help [command]`, or `--help` / `-h` anywhere before `--`: the command they
 * are about (none: the overview). The command is read as parseArgv reads it, so a
 * flag's value (`--server prod`) is not taken for it; unknown flags do not matter here.
 */
function helpAsked(argv: string[]): { name: string | undefined } | undefined {
  const own = ownArguments(argv);
  const flagged = own.some(isHelpFlag);
  if (!flagged && !own.includes('help')) return undefined;
  const [first, second] = parseArgv(
    own.filter((arg) => !isHelpFlag(arg)),
    true,
  ).input;
  if (first === 'help') return { name: second === 'help' ? undefined : second };
  return flagged ? { name: first } : undefined;
}

async function run(cli: ParsedArgv, streams: Streams): Promise<number> {
  const flags: GlobalFlags = cli.flags;
  try {
    const [name, ...args] = cli.input;
    if (!name) {
      // In a terminal, `hms` is the control center; in a pipe, its help.
      if (!process.stdout.isTTY || !process.stdin.isTTY) {
        streams.stdout.write(overview());
        return 0;
      }
      // The first frame now; the TUI's code (React, Ink, the client) loads behind it.
      const splash = showSplash(process.stdout);
      try {
        // Connections first (the apps asked for), then React and Ink load while the answers travel.
        const context = makeContext([], flags);
        const prepared = await (await import('../tui/connections.js')).prepareTui(context);
        const { runTui } = await import('../tui/main.js');
        return await runTui(context, splash, prepared);
      } finally {
        splash.undo();
      }
    }
    if (name === 'monitor') {
      const { runMonitor } = await import('../tui/monitor/main.js');
      return await runMonitor(makeContext(args, flags));
    }
    const context = makeContext(args, flags, READS_FIRST.has(name));
    // The client's modules load beside the command's own: nearly every command reaches a server next.
    if (name !== 'init') void import('./client/connect.js').catch(() => undefined);
    const command = await loadCommand(name);
    if (!command) throw unknownCommand(topics, name);
    const output = await command.run(context);
    printOutput(output, flags.json, streams);
    return output.exitCode ?? 0;
  } catch (error) {
    return printError(error, flags, streams);
  }
}

/** Commands whose first step is reading the configuration (and that never write it): it is read while their code loads. */
const READS_FIRST = new Set(['status', 'logs', 'metrics', 'audit', 'alerts', 'start', 'stop', 'restart', 'reload', 'releases']);

function makeContext(args: string[], flags: GlobalFlags, readNow = false): CommandContext {
  const cwd = process.cwd();
  const read = async () => {
    const [{ findConfigFile }, { loadConfigCached }] = await Promise.all([import('./config/paths.js'), import('./config/cached-load.js')]);
    const file = findConfigFile(flags.config, process.env, cwd);
    return file ? loadConfigCached(file) : undefined;
  };
  // The first read may already be under way; any later one reads again.
  let early = readNow ? read() : undefined;
  early?.catch(() => undefined);
  return {
    args,
    flags,
    cwd,
    env: process.env,
    holderEntry: existsSync(HOLDER_ENTRY) ? HOLDER_ENTRY : undefined,
    loadConfig() {
      const first = early;
      early = undefined;
      return first ?? read();
    },
    async ask(question) {
      if (!process.stdin.isTTY) return undefined;
      const { createInterface } = await import('node:readline/promises');
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return (await rl.question(`${question}: `)).trim() || undefined;
      } finally {
        rl.close();
      }
    },
    async confirm(question) {
      if (flags.yes) return true;
      if (!process.stdin.isTTY) throw new UsageError(`${question} (no terminal to ask on)`, 'Pass --yes to confirm from a script.');
      const { createInterface } = await import('node:readline/promises');
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
      } finally {
        rl.close();
      }
    },
    note(text) {
      process.stderr.write(`${text}\n`);
    },
  };
}

// The one exit: once a command has printed its result, lingering sockets (an SSH
// goodbye, keep-alive timers) must not keep a script waiting. Writes to pipes and
// files are synchronous on Linux, so nothing printed is lost.
main().then((code) => process.exit(code));
