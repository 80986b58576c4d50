// The two limits the formatter cannot keep by itself: no line over 140 characters
// (strings, regexes and comments are left as written) and no source file over 250
// lines (a file that long is two things). One line per offence, exit 1 on any.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

const MAX_LINE = 140;
const MAX_FILE_LINES = 250;
/** Folders whose files must stay short; tests may be longer where one suite shares one server. */
const SOURCE = ['src', 'server', 'tui'];
const CHECKED = [...SOURCE, 'tests'];
const SKIP = new Set(['node_modules', 'dist', 'fixtures']);

async function* sources(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (SKIP.has(entry.name)) continue;
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* sources(file);
    else if (/\.(ts|tsx|mjs)$/.test(entry.name)) yield file;
  }
}

const offences = [];
for (const root of CHECKED) {
  for await (const file of sources(root)) {
    const lines = (await readFile(file, 'utf8')).split('\n');
    lines.forEach((line, i) => {
      if (line.length > MAX_LINE)
        offences.push(`${file}:${i + 1}: ${line.length} characters (at most ${MAX_LINE}): split the string or wrap it`);
    });
    const count = lines.at(-1) === '' ? lines.length - 1 : lines.length;
    if (SOURCE.includes(root) && count > MAX_FILE_LINES) {
      offences.push(`${file}: ${count} lines (at most ${MAX_FILE_LINES}): split it along a seam into files of their own`);
    }
  }
}
for (const offence of offences) console.error(offence);
if (offences.length > 0) {
  console.error(`✘ ${offences.length} size offence(s)`);
  process.exit(1);
}
console.log('✔ no line over 140 characters, no source file over 250 lines');
