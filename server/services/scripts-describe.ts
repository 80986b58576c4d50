/**
 * A script's one-line description: its first comment paragraph after the shebang
 * (without a leading "name.sh - "), else the first line of its `--help`, cached
 * until the file changes.
 */
import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import type { AgentDeps } from '../env.js';
import { scriptArgv, scriptEnv } from './scripts-env.js';

const HEAD_BYTES = 8192;
const HELP_TIMEOUT_MS = 5000;
const MAX_DESCRIPTION = 300;

const helpCache = new Map<string, { stamp: string; description: string }>();

/** The comment paragraph right after `#!…`, joined into one line; '' when there is none. */
export function commentDescription(head: string, fileName: string): string {
  const lines = head.split('\n');
  if (lines[0]?.startsWith('#!')) lines.shift();
  const paragraph: string[] = [];
  for (const line of lines) {
    const comment = /^#\s?(.*)$/.exec(line);
    if (!comment) break;
    const text = comment[1]!.trim();
    if (text === '') {
      if (paragraph.length > 0) break;
      continue;
    }
    paragraph.push(text);
  }
  const joined = paragraph.join(' ');
  const prefix = `${fileName} - `;
  return (joined.startsWith(prefix) ? joined.slice(prefix.length) : joined).slice(0, MAX_DESCRIPTION);
}

async function readHead(file: string): Promise<string> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, HEAD_BYTES, 0);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}

async function helpDescription(deps: AgentDeps, file: string): Promise<string> {
  const info = await stat(file);
  const stamp = `${info.mtimeMs}:${info.size}`;
  const cached = helpCache.get(file);
  if (cached?.stamp === stamp) return cached.description;
  const result = await deps
    .exec(scriptArgv(file, ['--help'], HELP_TIMEOUT_MS / 1000), { env: scriptEnv(deps.config), cwd: '/', timeoutMs: HELP_TIMEOUT_MS, maxOutputBytes: HEAD_BYTES })
    .catch(() => null);
  const line = result?.stdout.split('\n').find((candidate) => candidate.trim() !== '') ?? '';
  const description = line.trim().slice(0, MAX_DESCRIPTION);
  helpCache.set(file, { stamp, description });
  return description;
}

export async function describeScript(options: { deps: AgentDeps; file: string }): Promise<string> {
  const fromComment = commentDescription(await readHead(options.file), path.basename(options.file));
  return fromComment || helpDescription(options.deps, options.file);
}
