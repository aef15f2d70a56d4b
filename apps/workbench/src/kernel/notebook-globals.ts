/**
 * The names both kernels put on a notebook's global scope (`CellExecutor.installGlobals` builds
 * exactly this object), as one type: the code cells' completions and hover types see the same
 * declarations (`language/cell-source.ts`), so they cannot drift from what the kernels provide.
 */
import type { makeDisplay } from './display.js';
import type { LivePlot, Progress, ProgressOptions, TrainingCurveOptions } from './live.js';
import type { LogMetric } from './metrics.js';
import type { KernelPlot } from './plot.js';
import type { html, image, json, markdown, svg } from './rich.js';
import type { views } from './views/index.js';

export interface NotebookGlobals {
  /** Shows any value now; `display(x).update(y)` replaces it in place. */
  display: ReturnType<typeof makeDisplay>;
  /** Records a metric in the run history (`wb runs`). */
  logMetric: LogMetric;
  /** Observable Plot, drawing into the kernel's document. */
  Plot: KernelPlot;
  views: typeof views;
  html: typeof html;
  svg: typeof svg;
  md: typeof markdown;
  json: typeof json;
  image: typeof image;
  /** A live progress bar: `for (const x of progress(items)) …`, or `progress(n).tick()`. */
  progress: <T = number>(source: number | Iterable<T>, options?: ProgressOptions) => Progress<T>;
  /** A plot redrawn, at most every `throttleMs`, as rows arrive. */
  livePlot: <Row>(render: (data: Row[]) => unknown, options?: { throttleMs?: number }) => LivePlot<Row>;
  /** `curve.push({ step, loss })` while training: one line per metric. */
  trainingCurve: (options?: TrainingCurveOptions) => LivePlot<Record<string, number>>;
  sleep: (ms: number) => Promise<unknown>;
  /** Seeds `Math.random` (recorded in the run). */
  seed: (n: number) => number;
}

/** Every name of NotebookGlobals (the compiler checks that none is missing). */
export const NOTEBOOK_GLOBAL_NAMES = Object.keys({
  display: 1, logMetric: 1, Plot: 1, views: 1, html: 1, svg: 1, md: 1, json: 1, image: 1,
  progress: 1, livePlot: 1, trainingCurve: 1, sleep: 1, seed: 1,
} satisfies Record<keyof NotebookGlobals, 1>) as (keyof NotebookGlobals)[];
