/**
 * The drawing: blessed widgets on a 12 x 12 blessed-contrib grid, fed the views that
 * metrics-view.ts and apps-view.ts compute. Nothing here talks to the agent.
 *
 *   rows 0-3   CPU line        | memory line      | disk gauges
 *   rows 4-7   requests & 5xx per minute | apps table
 *   rows 8-11  the followed log
 *   last line  status
 */
import { APP_COLUMN_WIDTHS, APP_COLUMNS, type AppsView } from './apps-view.js';
import { foldLine } from './log-view.js';
import type { GaugeView, LineView, MetricsView } from './metrics-view.js';
import { blessed, gauge, Grid, line, log, table, type BlessedElement, type Gauge, type LineChart } from './widgets.js';

/** Lines the log panel keeps. */
const LOG_LINES = 500;
/** Rows one disk gauge takes: its label, a gap, the bar. */
const GAUGE_ROWS = 4;

export interface Dashboard {
  showMetrics(view: MetricsView): void;
  showApps(view: AppsView): void;
  setLogLabel(text: string): void;
  log(text: string): void;
  setStatus(text: string, ok: boolean): void;
  /** q, Esc or Ctrl-C. */
  onQuit(listener: () => void): void;
  /** Leaves the full screen and gives the terminal back as it was. Safe to call twice. */
  destroy(): void;
}

export function createDashboard(options: { title: string; input?: NodeJS.ReadableStream; output?: NodeJS.WritableStream }): Dashboard {
  const screen = blessed.screen({
    smartCSR: true,
    fullUnicode: true,
    autoPadding: true,
    warnings: false,
    title: options.title,
    input: options.input,
    output: options.output,
  });
  const body = blessed.box({ top: 0, left: 0, width: '100%', height: '100%-1' });
  screen.append(body);
  const statusBar = blessed.box({ bottom: 0, left: 0, width: '100%', height: 1, tags: false, style: { fg: 'black', bg: 'cyan' } });
  screen.append(statusBar);

  const grid = new Grid({ rows: 12, cols: 12, screen: body });
  const chart = { showLegend: false, wholeNumbersOnly: true, xPadding: 4, xLabelPadding: 3, style: { text: 'white', baseline: 'white' } };
  const cpu = grid.set(0, 0, 4, 4, line, { ...chart, label: ' CPU ' });
  const memory = grid.set(0, 4, 4, 4, line, { ...chart, label: ' Memory ' });
  const disksBox = grid.set(0, 8, 4, 4, blessed.box, { label: ' Disks ' });
  const traffic = grid.set(4, 0, 4, 6, line, { ...chart, label: ' Requests/min ', showLegend: true, legend: { width: 12 } });
  const apps = grid.set(4, 6, 4, 6, table, {
    label: ' Apps ',
    columnWidth: APP_COLUMN_WIDTHS,
    columnSpacing: 2,
    interactive: false,
    fg: 'white',
  });
  const logPanel = grid.set(8, 0, 4, 12, log, { label: ' Log ', bufferLength: LOG_LINES, tags: false, fg: 'white' });

  let gauges: Gauge[] = [];
  let lastMetrics: MetricsView | undefined;
  let destroyed = false;
  let renderQueued = false;

  // Many log lines may come at once: draw once for all of them.
  const render = (): void => {
    if (renderQueued || destroyed) return;
    renderQueued = true;
    setImmediate(() => {
      renderQueued = false;
      if (!destroyed) screen.render();
    });
  };

  const showDisks = (disks: GaugeView[]): void => {
    if (disks.length !== gauges.length) {
      for (const old of gauges) old.destroy();
      // Appended after construction: a gauge makes its canvas when attached, and
      // the `parent` option would attach it before it listens for that.
      gauges = disks.map((_, i) => {
        const widget = gauge({ top: i * GAUGE_ROWS, left: 0, width: '100%-2', height: GAUGE_ROWS, fill: 'white' });
        disksBox.append(widget);
        return widget;
      });
      disksBox.setContent(disks.length === 0 ? 'The agent reported no disks.' : '');
    }
    disks.forEach((disk, i) => {
      const widget = gauges[i]!;
      // A label wider than the gauge would wrap over the bar.
      widget.setLabel(fit(disk.label, widget.width - 1));
      widget.options.stroke = disk.color;
      widget.setData(disk.value);
    });
  };

  const showMetrics = (view: MetricsView): void => {
    if (destroyed) return;
    lastMetrics = view;
    drawLine(cpu, view.cpu);
    drawLine(memory, view.memory);
    drawLine(traffic, view.traffic);
    showDisks(view.disks);
    render();
  };

  // Charts draw on a canvas sized when attached: on a resize, size it again and redraw.
  screen.on('resize', () => {
    for (const widget of [cpu, memory, traffic, ...gauges]) widget.emit('attach');
    if (lastMetrics) showMetrics(lastMetrics);
  });

  return {
    showMetrics,
    showApps(view) {
      if (destroyed) return;
      apps.setData({ headers: APP_COLUMNS, data: view.rows });
      // blessed-contrib draws the rows one cell right of the header line.
      apps.setContent(` ${apps.getContent()}`);
      render();
    },
    setLogLabel(text) {
      if (destroyed) return;
      logPanel.setLabel(text);
      render();
    },
    log(text) {
      if (destroyed) return;
      // Inside the borders, and one cell short: a full row would wrap in some terminals.
      for (const row of foldLine(text, Math.max(20, logPanel.width - 3))) logPanel.log(row);
      render();
    },
    setStatus(text, ok) {
      if (destroyed) return;
      statusBar.setContent(text);
      statusBar.style.bg = ok ? 'cyan' : 'red';
      statusBar.style.fg = ok ? 'black' : 'white';
      render();
    },
    onQuit(listener) {
      screen.key(['q', 'escape', 'C-c'], listener);
    },
    destroy() {
      if (destroyed) return;
      destroyed = true;
      screen.destroy();
    },
  };
}

function fit(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`;
}

function drawLine(widget: LineChart & BlessedElement, view: LineView): void {
  // Inside the corners: a label wider than its box would wrap over the chart.
  widget.setLabel(fit(view.label, widget.width - 4));
  widget.options.maxY = view.maxY;
  if (view.series[0]?.x.length) widget.setData(view.series.map((s) => ({ title: s.title, x: s.x, y: s.y, style: { line: s.color } })));
}
