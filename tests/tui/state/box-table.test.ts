import { describe, expect, it } from 'vitest';
import { tableLines, type TableSegment } from '../../../tui/state/box-table.js';

const text = (line: TableSegment[]): string => line.map((segment) => segment.text).join('');

describe('the box-drawn table', () => {
  it('Given two rows, When laid out, Then each column is its widest value or name plus a space either side, rows ruled apart', () => {
    const lines = tableLines(
      [
        { APP: 'cigar', STATE: '● active/running' },
        { APP: 'nginx', STATE: '' },
      ],
      ['APP', 'STATE'],
    );
    expect(lines.map(text)).toEqual([
      '┌───────┬──────────────────┐',
      '│ APP   │ STATE            │',
      '├───────┼──────────────────┤',
      '│ cigar │ ● active/running │',
      '├───────┼──────────────────┤',
      '│ nginx │                  │',
      '└───────┴──────────────────┘',
    ]);
  });

  it('Given a row, When laid out, Then the frame, the headings and the cells are apart (to be styled each their way)', () => {
    const [top, heading, , row] = tableLines([{ APP: 'cigar' }], ['APP']);
    expect(top!.map((s) => s.kind)).toEqual(['frame']);
    expect(heading).toEqual([
      { kind: 'frame', text: '│' },
      { kind: 'heading', text: ' APP   ' },
      { kind: 'frame', text: '│' },
    ]);
    expect(row![1]).toEqual({ kind: 'cell', text: ' cigar ' });
  });
});
