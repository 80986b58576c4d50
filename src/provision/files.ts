/**
 * Files provisioning owns: compared by content hash, mode and owner in ONE remote
 * command, written atomically (SFTP to a temp name, then rename), then chowned.
 */
import { createHash } from 'node:crypto';
import type { Host } from './host.js';

export interface ManagedFile {
  path: string;
  content: string;
  mode: number;
  owner: string;
  group: string;
}

// A fixed script: the paths are its arguments, never part of its text.
const INSPECT = 'for f in "$@"; do if [ -f "$f" ]; then printf "%s %s %s\\n" "$(sha256sum < "$f" | cut -c1-64)" "$(stat -c "%a %U %G" -- "$f")" "$f"; else printf "missing - - - %s\\n" "$f"; fi; done';

export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

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

/** What differs for each file, as "path: reason" lines (empty when all match). */
export async function diffFiles(host: Host, files: ManagedFile[]): Promise<string[]> {
  const states = await inspectFiles(host, files.map((f) => f.path));
  return files.flatMap((file) => {
    const state = states.get(file.path);
    if (!state) return [`${file.path}: create`];
    const reasons = [
      state.hash !== sha256(file.content) ? 'content' : '',
      state.mode !== file.mode.toString(8) ? `mode ${state.mode} -> ${file.mode.toString(8)}` : '',
      state.owner !== file.owner || state.group !== file.group ? `owner ${state.owner}:${state.group} -> ${file.owner}:${file.group}` : '',
    ].filter(Boolean);
    return reasons.length > 0 ? [`${file.path}: ${reasons.join(', ')}`] : [];
  });
}

export async function writeFiles(host: Host, files: ManagedFile[], changes: string[]): Promise<void> {
  const changed = new Set(changes.map((change) => change.slice(0, change.indexOf(': '))));
  for (const file of files.filter((f) => changed.has(f.path))) {
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
