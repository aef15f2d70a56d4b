/**
 * Outputs that change while a cell runs: progress bars, plots that redraw as data arrives,
 * and training curves. Updates are throttled but sent synchronously when due, so a tight
 * training loop without `await` still shows progress; the last state is sent when the cell ends.
 */
import { showBundle, type DisplayHandle } from './display.js';
import { toBundle } from './mime.js';
import type { OutputSink } from './outputs.js';
import { kernelPlot } from './plot.js';
import { escapeHtml, Rich } from './rich.js';

class Throttle {
  private last = 0;
  private dirty = false;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly ms: number,
    private readonly send: () => void,
  ) {}

  request(force = false): void {
    this.dirty = true;
    const now = Date.now();
    if (force || now - this.last >= this.ms) return this.fire();
    this.timer ??= setTimeout(() => this.fire(), this.ms - (now - this.last));
  }

  fire(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.dirty) return;
    this.dirty = false;
    this.last = Date.now();
    this.send();
  }
}

export interface ProgressOptions {
  label?: string;
  /** What is counted, after the counts ("steps"). */
  unit?: string;
  /** Already done when the bar appears (a resumed run): the rate and ETA count only what follows. */
  start?: number;
  throttleMs?: number;
}

export class Progress<T = number> implements Iterable<T> {
  private count = 0;
  private readonly startCount: number;
  private readonly started = Date.now();
  private readonly handle: DisplayHandle;
  private readonly throttle: Throttle;
  private readonly items: Iterable<T> | undefined;
  readonly total: number | undefined;

  constructor(
    sink: OutputSink,
    source: number | Iterable<T>,
    private readonly options: ProgressOptions = {},
  ) {
    this.count = options.start ?? 0;
    this.startCount = this.count;
    this.items = typeof source === 'number' ? undefined : source;
    this.total = typeof source === 'number' ? source : (source as { length?: number }).length ?? (source as { size?: number }).size;
    this.handle = showBundle(sink, toBundle(this.render()));
    this.throttle = new Throttle(options.throttleMs ?? 100, () => this.handle.update(this.render()));
    sink.onFlush(() => this.throttle.fire());
  }

  get value(): number {
    return this.count;
  }

  update(count: number): void {
    this.count = count;
    this.throttle.request(this.total !== undefined && count >= this.total);
  }

  tick(step = 1): void {
    this.update(this.count + step);
  }

  *[Symbol.iterator](): Iterator<T> {
    if (!this.items) {
      for (let i = this.count; i < (this.total ?? 0); i++) {
        yield i as T;
        this.tick();
      }
      return;
    }
    for (const item of this.items) {
      yield item;
      this.tick();
    }
  }

  /** "· 12.3 steps/s · ETA 8s" while running (after its first second: before it the rate is noise), "· 4.2s" once done, as the CLI's bar. */
  private pace(): string {
    const seconds = (Date.now() - this.started) / 1000;
    const total = this.total;
    if (total === undefined || this.count >= total || seconds < 1) return ` · ${seconds.toFixed(1)}s`;
    const rate = (this.count - this.startCount) / seconds;
    const unit = this.options.unit ? ` ${this.options.unit}` : '';
    const eta = rate > 0 ? `ETA ${Math.ceil((total - this.count) / rate)}s` : 'ETA ?';
    return ` · ${rate.toFixed(1)}${unit}/s · ${eta}`;
  }

  private render(): Rich {
    const label = this.options.label ? `${this.options.label} ` : '';
    const total = this.total;
    const fraction = total ? Math.min(1, this.count / total) : 0;
    const counts = total !== undefined ? `${this.count}/${total}` : `${this.count}`;
    const pct = total ? ` · ${(100 * fraction).toFixed(0)}%` : '';
    const bar = total ? `[${'#'.repeat(Math.round(fraction * 30)).padEnd(30, '.')}] ` : '';
    const pace = this.pace();
    // Volatile: its timing differs from run to run (`wb run --verify` skips it).
    return new Rich({
      'text/html': `<div class="wb-progress"><progress max="${total ?? ''}" value="${this.count}"></progress><span>${escapeHtml(label)}${counts}${pct}${escapeHtml(pace)}</span></div>`,
      'text/plain': `${label}${bar}${counts}${pct}${pace}`,
    }, { wb: { volatile: true } });
  }
}

export interface LivePlot<Row> {
  readonly data: Row[];
  push(...rows: Row[]): void;
  set(rows: Row[]): void;
  /** Sends the current state now. */
  flush(): void;
}

export function livePlot<Row>(sink: OutputSink, render: (data: Row[]) => unknown, options: { throttleMs?: number } = {}): LivePlot<Row> {
  const data: Row[] = [];
  const handle = showBundle(sink, toBundle(render(data)));
  const throttle = new Throttle(options.throttleMs ?? 250, () => handle.update(render(data)));
  sink.onFlush(() => throttle.fire());
  return {
    data,
    push(...rows) {
      data.push(...rows);
      throttle.request();
    },
    set(rows) {
      data.splice(0, data.length, ...rows);
      throttle.request();
    },
    flush() {
      throttle.request(true);
    },
  };
}

export interface TrainingCurveOptions {
  title?: string;
  /** The x field (default "step"). */
  x?: string;
  /** Metrics to draw (default: every numeric field but x). */
  metrics?: string[];
  throttleMs?: number;
}

/** `curve.push({ step, loss, accuracy })` while training; one line per metric. */
export function trainingCurve(sink: OutputSink, options: TrainingCurveOptions = {}): LivePlot<Record<string, number>> {
  const x = options.x ?? 'step';
  const Plot = kernelPlot();
  return livePlot<Record<string, number>>(
    sink,
    (rows) => {
      const metrics = options.metrics ?? [...new Set(rows.flatMap((r) => Object.keys(r).filter((k) => k !== x && typeof r[k] === 'number')))];
      const long = rows.flatMap((r) => metrics.filter((m) => typeof r[m] === 'number').map((metric) => ({ x: r[x], metric, value: r[metric] })));
      return Plot.plot({
        title: options.title,
        width: 640,
        height: 280,
        grid: true,
        x: { label: x },
        y: { label: metrics.length === 1 ? metrics[0] : 'value' },
        color: { type: 'categorical', legend: metrics.length > 1, domain: metrics },
        marks: [
          Plot.ruleY([0], { stroke: '#ccc' }),
          Plot.lineY(long, { x: 'x', y: 'value', stroke: 'metric', z: 'metric' }),
          Plot.dot(long, Plot.selectLast({ x: 'x', y: 'value', fill: 'metric', z: 'metric', r: 3 })),
        ],
      });
    },
    { throttleMs: options.throttleMs },
  );
}
