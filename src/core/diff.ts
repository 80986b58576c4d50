/**
 * The one line diff of hms: a unified diff of two texts (what `diff -u` prints), from
 * a longest common subsequence of their lines, and the same hunks as rows for the
 * TUI's review of an edit. Lines keep their "\n", so a missing final newline is a
 * difference and is marked the way diff and patch expect.
 */

type Op = { kind: ' ' | '-' | '+'; line: string; oldNo: number; newNo: number };

/** Above this many cells the middle is shown as one replacement instead of an LCS. */
const MAX_LCS_CELLS = 4_000_000;

function splitLines(text: string): string[] {
  return text === '' ? [] : text.split(/(?<=\n)/);
}

/** The edit script between `a` and `b`: common prefix and suffix, and an LCS for the middle. */
function editScript(a: string[], b: string[]): Op[] {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start += 1;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA -= 1;
    endB -= 1;
  }
  const ops: Op[] = [];
  const keep = (i: number, j: number) => ops.push({ kind: ' ', line: a[i]!, oldNo: i, newNo: j });
  for (let i = 0; i < start; i += 1) keep(i, i);
  middle(a, b, start, endA, start, endB, ops);
  for (let i = endA, j = endB; i < a.length; i += 1, j += 1) keep(i, j);
  return ops;
}

function middle(a: string[], b: string[], a0: number, a1: number, b0: number, b1: number, ops: Op[]): void {
  const n = a1 - a0;
  const m = b1 - b0;
  if (n * m > MAX_LCS_CELLS) {
    for (let i = a0; i < a1; i += 1) ops.push({ kind: '-', line: a[i]!, oldNo: i, newNo: b0 });
    for (let j = b0; j < b1; j += 1) ops.push({ kind: '+', line: b[j]!, oldNo: a1, newNo: j });
    return;
  }
  // lcs[i][j]: the LCS length of a[a0+i..a1) and b[b0+j..b1).
  const width = m + 1;
  const lcs = new Uint32Array((n + 1) * width);
  for (let i = n - 1; i >= 0; i -= 1) {
    for (let j = m - 1; j >= 0; j -= 1) {
      lcs[i * width + j] =
        a[a0 + i] === b[b0 + j] ? lcs[(i + 1) * width + j + 1]! + 1 : Math.max(lcs[(i + 1) * width + j]!, lcs[i * width + j + 1]!);
    }
  }
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[a0 + i] === b[b0 + j]) {
      ops.push({ kind: ' ', line: a[a0 + i]!, oldNo: a0 + i, newNo: b0 + j });
      i += 1;
      j += 1;
    } else if (i < n && (j === m || lcs[(i + 1) * width + j]! >= lcs[i * width + j + 1]!)) {
      // Deletions first, as diff prints them.
      ops.push({ kind: '-', line: a[a0 + i]!, oldNo: a0 + i, newNo: b0 + j });
      i += 1;
    } else {
      ops.push({ kind: '+', line: b[b0 + j]!, oldNo: a0 + i, newNo: b0 + j });
      j += 1;
    }
  }
}

/** Groups changes with `context` lines around them; changes closer than 2*context share a hunk. */
function hunks(ops: Op[], context: number): Op[][] {
  const groups: Op[][] = [];
  let from = -1;
  let to = -1;
  ops.forEach((op, index) => {
    if (op.kind === ' ') return;
    const lo = Math.max(0, index - context);
    if (from !== -1 && lo <= to + 1) {
      to = Math.min(ops.length - 1, index + context);
      return;
    }
    if (from !== -1) groups.push(ops.slice(from, to + 1));
    from = lo;
    to = Math.min(ops.length - 1, index + context);
  });
  if (from !== -1) groups.push(ops.slice(from, to + 1));
  return groups;
}

function range(start: number, count: number): string {
  // diff -u: an empty range is written as the line before it, with count 0.
  const first = count === 0 ? start : start + 1;
  return count === 1 ? `${first}` : `${first},${count}`;
}

function printLine(op: Op): string {
  const text = `${op.kind}${op.line}`;
  return text.endsWith('\n') ? text : `${text}\n\\ No newline at end of file\n`;
}

interface Hunk {
  /** `@@ -7,7 +7,7 @@` */
  header: string;
  ops: Op[];
}

/** The changes from `oldText` to `newText` with `context` lines around each; none when they are equal. */
function diffHunks(oldText: string, newText: string, context: number): Hunk[] {
  return hunks(editScript(splitLines(oldText), splitLines(newText)), context).map((group) => {
    const oldCount = group.filter((op) => op.kind !== '+').length;
    const newCount = group.filter((op) => op.kind !== '-').length;
    const first = group[0]!;
    return { header: `@@ -${range(first.oldNo, oldCount)} +${range(first.newNo, newCount)} @@`, ops: group };
  });
}

/** `diff -u` output from `oldText` to `newText`; empty when they are equal. */
export function unifiedDiff(oldText: string, newText: string, labels: { old: string; new: string }, context = 3): string {
  const found = diffHunks(oldText, newText, context);
  if (found.length === 0) return '';
  const out = [`--- ${labels.old}\n`, `+++ ${labels.new}\n`];
  for (const hunk of found) out.push(`${hunk.header}\n`, ...hunk.ops.map(printLine));
  return out.join('');
}

/** A row of an edit's review in the TUI. */
export type DiffLine = { kind: 'same' | 'add' | 'remove'; text: string } | { kind: 'hunk'; text: string };

const ROW_KIND = { ' ': 'same', '-': 'remove', '+': 'add' } as const;

/** The hunks as rows; a missing final newline is no difference here: the rows show text, not bytes. */
export function lineDiff(before: string, after: string, context = 3): DiffLine[] {
  const withNewline = (text: string) => (text === '' || text.endsWith('\n') ? text : `${text}\n`);
  return diffHunks(withNewline(before), withNewline(after), context).flatMap((hunk): DiffLine[] => [
    { kind: 'hunk', text: hunk.header },
    ...hunk.ops.map((op) => ({ kind: ROW_KIND[op.kind], text: op.line.replace(/\n$/, '') })),
  ]);
}
