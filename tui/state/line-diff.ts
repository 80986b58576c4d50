/**
 * A line diff of a config before and after an edit, shown before it is applied:
 * the common head and tail are skipped, the middle is an LCS, and only hunks with
 * a few lines of context around changes are kept (as `diff -u` shows them).
 */
export type DiffLine = { kind: 'same' | 'add' | 'remove'; text: string } | { kind: 'hunk'; text: string };

/** Beyond this many cells the middle is shown as removed-then-added rather than computed. */
const MAX_CELLS = 4_000_000;

export function lineDiff(before: string, after: string, context = 3): DiffLine[] {
  const a = splitLines(before);
  const b = splitLines(after);
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head += 1;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail += 1;
  const middle = lcsDiff(a.slice(head, a.length - tail), b.slice(head, b.length - tail));
  const all: Array<{ kind: 'same' | 'add' | 'remove'; text: string; a: number; b: number }> = [];
  let ai = 0;
  let bi = 0;
  const push = (kind: 'same' | 'add' | 'remove', text: string): void => {
    all.push({ kind, text, a: ai, b: bi });
    if (kind !== 'add') ai += 1;
    if (kind !== 'remove') bi += 1;
  };
  for (const text of a.slice(0, head)) push('same', text);
  for (const line of middle) push(line.kind, line.text);
  for (const text of a.slice(a.length - tail)) push('same', text);
  return hunks(all, context);
}

function splitLines(text: string): string[] {
  if (text === '') return [];
  return text.replace(/\n$/, '').split('\n');
}

function lcsDiff(a: string[], b: string[]): Array<{ kind: 'same' | 'add' | 'remove'; text: string }> {
  if (a.length * b.length > MAX_CELLS) return [...a.map((text) => ({ kind: 'remove' as const, text })), ...b.map((text) => ({ kind: 'add' as const, text }))];
  const width = b.length + 1;
  const lengths = new Uint32Array((a.length + 1) * width);
  for (let i = a.length - 1; i >= 0; i -= 1) {
    for (let j = b.length - 1; j >= 0; j -= 1) {
      lengths[i * width + j] = a[i] === b[j] ? lengths[(i + 1) * width + j + 1]! + 1 : Math.max(lengths[(i + 1) * width + j]!, lengths[i * width + j + 1]!);
    }
  }
  const out: Array<{ kind: 'same' | 'add' | 'remove'; text: string }> = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      out.push({ kind: 'same', text: a[i]! });
      i += 1;
      j += 1;
    } else if (j < b.length && (i === a.length || lengths[i * width + j + 1]! >= lengths[(i + 1) * width + j]!)) {
      out.push({ kind: 'add', text: b[j]! });
      j += 1;
    } else {
      out.push({ kind: 'remove', text: a[i]! });
      i += 1;
    }
  }
  return out;
}

function hunks(all: Array<{ kind: 'same' | 'add' | 'remove'; text: string; a: number; b: number }>, context: number): DiffLine[] {
  const changed = all.map((line, index) => (line.kind === 'same' ? -1 : index)).filter((index) => index >= 0);
  if (changed.length === 0) return [];
  const out: DiffLine[] = [];
  let index = 0;
  while (index < changed.length) {
    const start = Math.max(0, changed[index]! - context);
    let end = changed[index]! + context;
    while (index + 1 < changed.length && changed[index + 1]! - context <= end + 1) end = changed[++index]! + context;
    end = Math.min(all.length - 1, end);
    const lines = all.slice(start, end + 1);
    const first = lines[0]!;
    const aCount = lines.filter((l) => l.kind !== 'add').length;
    const bCount = lines.filter((l) => l.kind !== 'remove').length;
    out.push({ kind: 'hunk', text: `@@ -${first.a + 1},${aCount} +${first.b + 1},${bCount} @@` });
    for (const line of lines) out.push({ kind: line.kind, text: line.text });
    index += 1;
  }
  return out;
}
