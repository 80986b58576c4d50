/**
 * The README's "Getting started with a server" commands, as the journey suite runs
 * them: read from README.md so that the documentation and the test cannot drift.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';

export const GETTING_STARTED = '## Getting started with a server';

/** The `hms …` lines of the section's first sh block, comments removed, split into argv. */
export async function gettingStartedCommands(readme = path.resolve('README.md')): Promise<string[][]> {
  const text = await readFile(readme, 'utf8');
  const start = text.indexOf(GETTING_STARTED);
  if (start < 0) throw new Error(`README.md has no "${GETTING_STARTED}" section`);
  const block = /```sh\n([\s\S]*?)```/.exec(text.slice(start))?.[1];
  if (!block) throw new Error(`README.md's "${GETTING_STARTED}" section has no sh block`);
  return block
    .split('\n')
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter((line) => line.startsWith('hms '))
    .map((line) => line.split(/\s+/).slice(1));
}

/** The one line that installs hms (`npm ci && npm link`), which the suite checks but does not run globally. */
export async function installLine(readme = path.resolve('README.md')): Promise<string> {
  const text = await readFile(readme, 'utf8');
  const block = /```sh\n([\s\S]*?)```/.exec(text.slice(text.indexOf(GETTING_STARTED)))?.[1] ?? '';
  return block.split('\n').find((line) => line.startsWith('npm ')) ?? '';
}
