// Sums the self time in V8 CPU profiles by file and by function: where start-up goes.
//   node --cpu-prof --cpu-prof-dir=/tmp/prof --cpu-prof-interval 100 dist/hms.mjs --version
//   node tools/profile-summary.mjs /tmp/prof [top]
import { readdirSync, readFileSync } from 'node:fs';

const [dir, top = '15'] = process.argv.slice(2);
if (!dir) {
  console.error('usage: node tools/profile-summary.mjs <dir of .cpuprofile files> [top]');
  process.exit(2);
}
const byFile = new Map();
const byFunction = new Map();
let total = 0;
const add = (map, key, us) => map.set(key, (map.get(key) ?? 0) + us);
for (const name of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
  const profile = JSON.parse(readFileSync(`${dir}/${name}`, 'utf8'));
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i] ?? 0;
    const { url, functionName, lineNumber } = nodes.get(id).callFrame;
    const file = (url || `(${functionName || 'native'})`).replace(/.*\/(dist|node_modules)\//, '$1/');
    add(byFile, file, us);
    add(byFunction, `${functionName || '(anonymous)'} ${file}:${lineNumber + 1}`, us);
    total += us;
  });
}
const list = (map) =>
  [...map]
    .sort((a, b) => b[1] - a[1])
    .slice(0, Number(top))
    .map(([key, us]) => `${(us / 1000).toFixed(1).padStart(8)} ms  ${key}`)
    .join('\n');
console.log(`total ${(total / 1000).toFixed(1)} ms\n\nby file\n${list(byFile)}\n\nby function\n${list(byFunction)}`);
