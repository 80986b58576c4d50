/**
 * The one door to blessed and blessed-contrib, loaded from node_modules when the
 * monitor starts instead of bundled into dist/: esbuild cannot bundle blessed as it
 * is. Its lib/widget.js loads each widget with `require('./widgets/' + file)`,
 * which esbuild turns into a table keyed `./widgets/node.js` (so it fails at run
 * time: "Module not found in bundle: ./widgets/node"), and the same table pulls in
 * the terminal widget's `require('term.js')` / `require('pty.js')`, which are not
 * installed (so the build fails). A `require` made here is not followed by esbuild.
 * The widgets come one file at a time, leaving out maps, pictures and markdown.
 */
import { createRequire } from 'node:module';

const load = createRequire(import.meta.url);

export const blessed = load('blessed') as typeof import('blessed').default;
export const Grid = load('blessed-contrib/lib/layout/grid.js') as typeof import('blessed-contrib/lib/layout/grid.js').default;
export const line = load('blessed-contrib/lib/widget/charts/line.js') as typeof import('blessed-contrib/lib/widget/charts/line.js').default;
export const gauge = load('blessed-contrib/lib/widget/gauge.js') as typeof import('blessed-contrib/lib/widget/gauge.js').default;
export const table = load('blessed-contrib/lib/widget/table.js') as typeof import('blessed-contrib/lib/widget/table.js').default;
export const log = load('blessed-contrib/lib/widget/log.js') as typeof import('blessed-contrib/lib/widget/log.js').default;

export type { BlessedElement } from 'blessed';
export type { Gauge } from 'blessed-contrib/lib/widget/gauge.js';
export type { LineChart } from 'blessed-contrib/lib/widget/charts/line.js';
