/**
 * The one door for the user's editor: $VISUAL, else $EDITOR, else `vi`, run on the
 * terminal (stdio inherited, in our process group, so it gets the keyboard) on a
 * private copy of a text. Not through src/platform/exec.ts: that door pipes and detaches,
 * which an interactive editor cannot live with.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { constants, tmpdir } from 'node:os';
import path from 'node:path';
import { HmsError } from '../core/errors.js';

/** The editor's argv: the variable split on whitespace (no shell, no quoting), e.g. `code --wait`. */
export function editorArgv(env: NodeJS.ProcessEnv): string[] {
  const words = (env.VISUAL || env.EDITOR || '').split(/\s+/).filter(Boolean);
  return words.length > 0 ? words : ['vi'];
}

/** Runs the editor on `file` and resolves with its exit code (128 + n when killed by signal n). */
export function openEditor(file: string, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [command, ...args] = editorArgv(env);
  // Ctrl-C in the editor reaches us too (same process group): the editor decides, we wait.
  const ignoreInterrupt = (): void => undefined;
  process.on('SIGINT', ignoreInterrupt);
  return new Promise<number>((resolve, reject) => {
    const child = spawn(command!, [...args, file], { stdio: 'inherit', env });
    child.on('error', (error: NodeJS.ErrnoException) =>
      reject(
        new HmsError(`Could not start the editor \`${command}\`: ${error.message}`, {
          hint: 'Set $VISUAL or $EDITOR to an editor on your PATH, e.g. `export EDITOR=nano`.',
          cause: error,
        }),
      ),
    );
    child.on('close', (code, signal) => resolve(code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0)));
  }).finally(() => process.off('SIGINT', ignoreInterrupt));
}

/** A private copy (0600 in a fresh 0700 folder) of a text someone is about to edit. */
export interface EditCopy {
  file: string;
  read(): Promise<string>;
  /** Removes the copy and its folder: only once nothing typed in it can be lost. */
  discard(): Promise<void>;
}

export async function writeEditCopy(name: string, content: string, env: NodeJS.ProcessEnv = process.env): Promise<EditCopy> {
  const dir = await mkdtemp(path.join(env.TMPDIR || tmpdir(), 'hms-edit-'));
  // The name only makes the editor pick the right syntax; it is never a path of its own.
  const file = path.join(dir, name.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '') || 'copy');
  await writeFile(file, content, { mode: 0o600, flag: 'wx' });
  return {
    file,
    read: () => readFile(file, 'utf8'),
    discard: () => rm(dir, { recursive: true, force: true }),
  };
}
