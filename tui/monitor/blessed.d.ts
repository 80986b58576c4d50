// Just what hms monitor uses of blessed 0.1.81 and blessed-contrib 4.11, which ship
// no types. They are loaded in widgets.ts (see there why not imported).

declare module 'blessed' {
  type Listener = (...args: any[]) => void;

  /** Options as blessed takes them: positions are numbers or strings like '50%' and '100%-1'. */
  export interface ElementOptions {
    [key: string]: unknown;
    top?: number | string;
    left?: number | string;
    bottom?: number | string;
    right?: number | string;
    width?: number | string;
    height?: number | string;
    label?: string;
    content?: string;
    tags?: boolean;
    style?: Record<string, unknown>;
  }

  export interface BlessedNode {
    readonly screen: Screen;
    on(event: string, listener: Listener): this;
    emit(event: string, ...args: unknown[]): boolean;
    append(child: BlessedElement): void;
    destroy(): void;
  }

  export interface BlessedElement extends BlessedNode {
    options: Record<string, unknown>;
    style: Record<string, unknown>;
    /** Cells, as laid out now. */
    readonly width: number;
    readonly height: number;
    setContent(text: string): void;
    getContent(): string;
    setLabel(text: string): void;
  }

  export interface ScreenOptions {
    smartCSR?: boolean;
    fullUnicode?: boolean;
    autoPadding?: boolean;
    warnings?: boolean;
    title?: string;
    input?: NodeJS.ReadableStream;
    output?: NodeJS.WritableStream;
  }

  export interface Screen extends BlessedNode {
    readonly destroyed?: boolean;
    title: string;
    render(): void;
    key(keys: string[], listener: Listener): void;
  }

  export type ElementFactory<T extends BlessedElement = BlessedElement> = (options: ElementOptions) => T;

  export function screen(options: ScreenOptions): Screen;
  export const box: ElementFactory;

  const blessed: { screen: typeof screen; box: typeof box };
  export default blessed;
}

declare module 'blessed-contrib/lib/layout/grid.js' {
  import type { BlessedElement, BlessedNode, ElementFactory, ElementOptions } from 'blessed';

  /** Lays widgets out on a rows x cols grid of the parent given as `screen` (any element). */
  export default class Grid {
    constructor(options: { rows: number; cols: number; screen: BlessedNode; hideBorder?: boolean; color?: string });
    set<T extends BlessedElement>(
      row: number,
      col: number,
      rowSpan: number,
      colSpan: number,
      factory: ElementFactory<T>,
      options: ElementOptions,
    ): T;
  }
}

declare module 'blessed-contrib/lib/widget/charts/line.js' {
  import type { BlessedElement, ElementFactory } from 'blessed';

  export interface LineChart extends BlessedElement {
    setData(series: Array<{ title: string; x: string[]; y: number[]; style?: { line?: string } }>): void;
  }
  const line: ElementFactory<LineChart>;
  export default line;
}

declare module 'blessed-contrib/lib/widget/gauge.js' {
  import type { BlessedElement, ElementFactory } from 'blessed';

  export interface Gauge extends BlessedElement {
    /** 0..100, except that below 1.001 it is read as a fraction. */
    setData(percent: number): void;
  }
  const gauge: ElementFactory<Gauge>;
  export default gauge;
}

declare module 'blessed-contrib/lib/widget/table.js' {
  import type { BlessedElement, ElementFactory } from 'blessed';

  export interface Table extends BlessedElement {
    setData(table: { headers: string[]; data: string[][] }): void;
  }
  const table: ElementFactory<Table>;
  export default table;
}

declare module 'blessed-contrib/lib/widget/log.js' {
  import type { BlessedElement, ElementFactory } from 'blessed';

  export interface Log extends BlessedElement {
    log(line: string): void;
  }
  const log: ElementFactory<Log>;
  export default log;
}
