/**
 * A CommandContext for calling a command as the CLI would, with what it prints
 * captured: its result (CommandOutput), what it streams (stdout, stderr), its notes,
 * and the questions it asked. Without a config it runs in LOCAL MODE (connect()
 * starts the in-process agent on loopback), with its state in a temp HOME.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { GlobalFlags } from '../../src/commands/command.js';
import type { LiveContext } from '../../src/commands/logs.js';
import type { Config } from '../../src/config/schema.js';

export class Sink extends Writable {
  text = '';
  /** Set to true to play a terminal. */
  isTTY = false;
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.text += chunk.toString();
    done();
  }
}

export interface TestContextOptions {
  args?: string[];
  flags?: Partial<GlobalFlags>;
  env?: NodeJS.ProcessEnv;
  config?: Config;
  /** What confirm() answers, in order; then `flags.yes`. */
  answers?: boolean[];
  signal?: AbortSignal;
}

export interface TestContext extends LiveContext {
  stdout: Sink;
  stderr: Sink;
  notes: string[];
  questions: string[];
}

export function testContext(options: TestContextOptions = {}): TestContext {
  const home = mkdtempSync(path.join(tmpdir(), 'hms-cmd-home-'));
  const flags: GlobalFlags = { json: false, yes: false, verbose: false, ...options.flags };
  const answers = [...(options.answers ?? [])];
  const notes: string[] = [];
  const questions: string[] = [];
  return {
    args: options.args ?? [],
    flags,
    cwd: home,
    env: {
      ...process.env,
      HOME: home,
      XDG_STATE_HOME: path.join(home, '.state'),
      XDG_CONFIG_HOME: path.join(home, '.config'),
      HMS_TOKEN: '',
      ...options.env,
    },
    loadConfig: async () => options.config,
    async confirm(question) {
      questions.push(question);
      return answers.shift() ?? flags.yes;
    },
    note: (text) => notes.push(text),
    stdout: new Sink(),
    stderr: new Sink(),
    notes,
    questions,
    ...(options.signal ? { signal: options.signal } : {}),
  };
}
