/**
 * A box-drawn table as lines of segments, the frame apart from the headings and the cells,
 * laid out as @alcalzone/ink-table lays it out: each column as wide as its longest value or
 * name (in UTF-16 units) plus a space either side, a rule between rows.
 */
export interface TableSegment {
  kind: 'frame' | 'heading' | 'cell';
  text: string;
}

type Row = Record<string, string>;

const RULES = {
  top: ['┌', '┬', '┐'],
  between: ['├', '┼', '┤'],
  bottom: ['└', '┴', '┘'],
} as const;

function rule([left, cross, right]: readonly [string, string, string], widths: number[]): TableSegment[] {
  return [{ kind: 'frame', text: left + widths.map((width) => '─'.repeat(width)).join(cross) + right }];
}

function cells(kind: 'heading' | 'cell', values: string[], widths: number[]): TableSegment[] {
  const segments: TableSegment[] = [{ kind: 'frame', text: '│' }];
  values.forEach((value, i) => {
    segments.push({ kind, text: ` ${value}`.padEnd(widths[i]!) }, { kind: 'frame', text: '│' });
  });
  return segments;
}

export function tableLines(data: Row[], columns: string[]): TableSegment[][] {
  const widths = columns.map((column) => Math.max(column.length, ...data.map((row) => (row[column] ?? '').length)) + 2);
  const lines = [rule(RULES.top, widths), cells('heading', columns, widths)];
  for (const row of data) {
    lines.push(
      rule(RULES.between, widths),
      cells(
        'cell',
        columns.map((column) => row[column] ?? ''),
        widths,
      ),
    );
  }
  lines.push(rule(RULES.bottom, widths));
  return lines;
}
