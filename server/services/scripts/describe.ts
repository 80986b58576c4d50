/**
 * A script's one-line description: its first comment paragraph after the shebang
 * (without a leading "name.sh - "). Listing never runs a script: one without such
 * a comment has an empty description.
 */
import { open } from 'node:fs/promises';
import path from 'node:path';
import type { AgentDeps } from '../../env.js';

const HEAD_BYTES = 8192;
const MAX_DESCRIPTION = 300;

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

export async function describeScript(options: { deps: AgentDeps; file: string }): Promise<string> {
  return commentDescription(await readHead(options.file), path.basename(options.file));
}
