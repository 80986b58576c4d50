import type { LogLine } from '../../src/api/logs.js';

/** Like `grep -C context`: the matching lines and up to `context` lines either side, in order. */
export function withContext(lines: LogLine[], regex: RegExp, context: number): { lines: LogLine[] } {
  const keep = new Map<number, boolean>();
  lines.forEach((line, index) => {
    if (!regex.test(line.text)) return;
    for (let i = Math.max(0, index - context); i <= Math.min(lines.length - 1, index + context); i += 1) {
      if (!keep.get(i)) keep.set(i, i === index);
    }
  });
  return {
    lines: [...keep.entries()]
      .sort(([a], [b]) => a - b)
      .map(([index, isMatch]) => (isMatch ? lines[index]! : { ...lines[index]!, context: true })),
  };
}
