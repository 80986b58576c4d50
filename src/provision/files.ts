/**
 * Files provisioning owns: compared by content hash, mode and owner in ONE remote
 * command, written atomically (SFTP to a temp name, then rename), then chowned.
 * A file whose content differs is read back and shown as a diff, secrets masked.
 */
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import type { Host } from './host.js';
import { fileDiff, type Redaction } from './redact.js';

export interface ManagedFile {
  path: string;
  content: string;
  mode: number;
  owner: string;
  group: string;
  /** How its secrets are hidden in a diff; no diff shows them. */
  redact?: Redaction;
}

/** Larger files are not read back for a diff. */
const MAX_DIFF_BYTES = 512 * 1024;

/** A server file's text, read as root, or undefined when it is missing, too large or binary. */
export async function readCurrent(host: Host, path: string): Promise<string | undefined> {
  const read = await host.run(['cat', '--', path], { maxOutputBytes: MAX_DIFF_BYTES });
  if (read.code !== 0 || read.truncated || read.stdout.includes('\0')) return undefined;
  return read.stdout;
}

/** "path: reason" and, where the content differs, its diff on the lines below (the path stays first). */
export async function withDiff(host: Host, file: Pick<ManagedFile, 'path' | 'content' | 'redact'>, summary: string): Promise<string> {
  const current = await readCurrent(host, file.path);
  const diff = current === undefined ? ['(not shown: too large or not text)'] : fileDiff(file.path, current, file.content, file.redact);
  return [summary, ...diff].join('\n');
}

/** The path a change line is about. */
export const changedPath = (change: string): string => change.slice(0, change.indexOf(': '));

// A fixed script: the paths are its arguments, never part of its text.
const INSPECT =
  'for f in "$@"; do if [ -f "$f" ]; then ' +
  'printf "%s %s %s\\n" "$(sha256sum < "$f" | cut -c1-64)" "$(stat -c "%a %U %G" -- "$f")" "$f"; ' +
  'else printf "missing - - - %s\\n" "$f"; fi; done';

export const sha256 = (content: string | Buffer): string => createHash('sha256').update(content).digest('hex');

export interface FileState {
  hash: string;
  mode: string;
  owner: string;
  group: string;
}

export async function inspectFiles(host: Host, paths: string[]): Promise<Map<string, FileState | undefined>> {
  const states = new Map<string, FileState | undefined>();
  if (paths.length === 0) return states;
  const output = await host.must(['sh', '-c', INSPECT, 'inspect', ...paths], 'Reading the managed files');
  for (const line of output.split('\n').filter(Boolean)) {
    const [hash, mode, owner, group, ...rest] = line.split(' ');
    states.set(rest.join(' '), hash === 'missing' ? undefined : { hash: hash!, mode: mode!, owner: owner!, group: group! });
  }
  return states;
}

/** Mode and owner differences of a file that exists, as reasons. */
export function attributeReasons(state: FileState, file: Pick<ManagedFile, 'mode' | 'owner' | 'group'>): string[] {
  return [
    state.mode !== file.mode.toString(8) ? `mode ${state.mode} -> ${file.mode.toString(8)}` : '',
    state.owner !== file.owner || state.group !== file.group ? `owner ${state.owner}:${state.group} -> ${file.owner}:${file.group}` : '',
  ].filter(Boolean);
}

/**
 * What differs for each file, as "path: reason" changes (empty when all match); a
 * content change carries the file's diff on its following lines.
 */
export async function diffFiles(host: Host, files: ManagedFile[]): Promise<string[]> {
  const states = await inspectFiles(
    host,
    files.map((f) => f.path),
  );
  const changes: string[] = [];
  for (const file of files) {
    const state = states.get(file.path);
    if (!state) {
      changes.push(`${file.path}: create`);
      continue;
    }
    const content = state.hash !== sha256(file.content);
    const reasons = [content ? 'content' : '', ...attributeReasons(state, file)].filter(Boolean);
    if (reasons.length === 0) continue;
    const kept = content ? ` (the file it replaces is kept in ${REPLACED_DIR}/)` : '';
    const summary = `${file.path}: ${reasons.join(', ')}${kept}`;
    changes.push(content ? await withDiff(host, file, summary) : summary);
  }
  return changes;
}

/** Where a managed file's previous content goes before it is replaced: root only, one folder per run. */
export const REPLACED_DIR = '/var/lib/hms/replaced';

export async function writeFiles(host: Host, files: ManagedFile[], changes: string[]): Promise<void> {
  const changed = new Set(changes.map(changedPath));
  const replaced = new Set(changes.filter((change) => /^[^\n]*: content\b/.test(change)).map(changedPath));
  const keep = `${REPLACED_DIR}/${new Date().toISOString().replace(/[-:]|\.\d+/g, '')}`;
  for (const file of files.filter((f) => changed.has(f.path))) {
    if (replaced.has(file.path)) {
      // Nothing is lost: a hand edit the new content overwrites stays readable, with its mode and owner.
      const copy = `${keep}${file.path}`;
      await host.must(['install', '-d', '-m', '700', '--', REPLACED_DIR, keep, posix.dirname(copy)], `mkdir ${keep}`);
      await host.must(['cp', '-a', '--', file.path, copy], `keep ${file.path} in ${keep}`);
    }
    await host.upload(file.content, file.path, file.mode);
    await host.must(['chown', `${file.owner}:${file.group}`, '--', file.path], `chown ${file.path}`);
  }
}

/** A step made of files only. */
export function fileSteps(files: () => ManagedFile[]) {
  return {
    check: (host: Host) => diffFiles(host, files()),
    apply: (host: Host, changes: string[]) => writeFiles(host, files(), changes),
  };
}
