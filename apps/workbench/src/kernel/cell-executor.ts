/**
 * Runs cells, one at a time, in the kernel's own realm (so that typed arrays and tensors made
 * in cells are the ones tfjs expects): each cell is transpiled, its top-level names become
 * globals, and it runs as an async function. Environment-neutral: the Node kernel
 * (`executor.ts`, in a child process) and the browser kernel (`browser/worker.ts`, in a Web
 * Worker) are this class with a `CellHost` each, so both run the same notebooks the same way.
 *
 * Interrupting: `interrupt(seq)` rejects the cell's pending await at once; a cell busy in a
 * synchronous loop is stopped by `__wb.tick()` (put in every loop body by `rewrite.ts`), which
 * reads a flag that another thread sets (a worker thread in Node, the page in a browser), because
 * this thread is busy. Code that loops without a tick (inside a library) cannot be stopped here:
 * the driver then restarts the kernel (`kernel-driver.ts`).
 */
import { Rng, setWorkListener } from '@wb/core';
import type { Output, RunRecord } from '../notebook/types.js';
import type { TranspiledCell } from './cell-code.js';
import { makeDisplay } from './display.js';
import { errorOutput, InterruptError, type CellInfo } from './errors.js';
import { Progress, livePlot, trainingCurve, type ProgressOptions, type TrainingCurveOptions } from './live.js';
import { makeLogMetric } from './metrics.js';
import type { NotebookGlobals } from './notebook-globals.js';
import { toBundle } from './mime.js';
import { OutputSink } from './outputs.js';
import { kernelPlot } from './plot.js';
import type { KernelEvent, ReplyStatus } from './protocol.js';
import { html, image, json, markdown, svg } from './rich.js';
import { views } from './views/index.js';
import { workBars } from './work-bars.js';

/** What a run records (seeds here; the rest is the host's business). */
export interface RunRecording {
  readonly seeds: number[];
  snapshot(): RunRecord;
}

/** What differs between the kernels' environments. */
export interface CellHost {
  /** TypeScript → the cell's function (esbuild in Node; the server's /api/transpile in a browser). */
  transpile(code: string): Promise<TranspiledCell>;
  /**
   * Evaluates a cell's function expression in the global scope. `filename` (`cell-<seq>.js`) is
   * the name its stack frames must carry: `errors.ts` maps those back to the cell's lines.
   */
  evaluate(code: string, filename: string): () => Promise<unknown>;
  /** Runs `fn` as execution `seq`; Node remembers it across awaits and timers (AsyncLocalStorage). */
  runAs<T>(seq: number, fn: () => Promise<T>): Promise<T>;
  /** The execution the calling code belongs to, when the host can tell. */
  currentSeq(): number | undefined;
  /** `import(…)` and `import … from` in cells. */
  import(specifier: string): Promise<unknown>;
  /** `import.meta` in cells. */
  importMeta: Record<string, unknown>;
  recorder: RunRecording;
}

interface Job {
  seq: number;
  code: string;
}

export class CellExecutor {
  private readonly queue: Job[] = [];
  private readonly cells = new Map<number, CellInfo>();
  private reserved = new Set<string>();
  private running: Job | undefined;
  private rejectRunning: ((e: unknown) => void) | undefined;
  private count = 0;
  private started = false;
  readonly sink: OutputSink;

  constructor(
    private readonly emit: (event: KernelEvent) => void,
    /** [0]: the latest execution that was interrupted (set by another thread). */
    private readonly flag: Int32Array,
    private readonly host: CellHost,
  ) {
    this.sink = new OutputSink(emit, () => this.seq());
  }

  /** The execution that the calling code belongs to: the host's answer, else the running cell. */
  private seq(): number {
    return this.host.currentSeq() ?? this.running?.seq ?? 0;
  }

  /** Whether a cell is running (or queued code of one is). */
  get busy(): boolean {
    return this.running !== undefined || this.host.currentSeq() !== undefined;
  }

  /** Puts the cell helpers on the global object; everything there now is reserved. */
  installGlobals(): void {
    const { sink, host, flag } = this;
    const g = globalThis as Record<string, unknown>;
    g.__wb = {
      tick: () => {
        const interrupted = Atomics.load(flag, 0);
        if (interrupted !== 0) {
          const seq = host.currentSeq() ?? this.running?.seq;
          if (seq !== undefined && seq <= interrupted) throw new InterruptError();
        }
      },
      import: (specifier: string) => host.import(specifier),
      importMeta: host.importMeta,
    };
    const globals: NotebookGlobals = {
      display: makeDisplay(sink),
      logMetric: makeLogMetric(this.emit, () => this.seq()),
      Plot: kernelPlot(),
      views,
      html,
      svg,
      md: markdown,
      json,
      image,
      progress: <T>(source: number | Iterable<T>, options?: ProgressOptions) => new Progress<T>(sink, source, options),
      livePlot: <Row>(render: (data: Row[]) => unknown, options?: { throttleMs?: number }) => livePlot<Row>(sink, render, options),
      trainingCurve: (options?: TrainingCurveOptions) => trainingCurve(sink, options),
      sleep: (ms: number) => new Promise((r) => setTimeout(r, ms)),
      seed: (n: number) => {
        if (!Number.isInteger(n)) throw new Error(`seed: expected an integer, got ${n}`);
        host.recorder.seeds.push(n);
        Math.random = new Rng(n).uniformSource();
        return n;
      },
    };
    Object.assign(g, globals);
    // Training, embedding and evaluation in the packages draw their progress in the running cell.
    setWorkListener(workBars(sink, () => this.seq()));
    this.reserved = new Set(Object.getOwnPropertyNames(globalThis));
  }

  /** Runs queued cells once the backend is ready. */
  start(): void {
    this.started = true;
    void this.pump();
  }

  enqueue(seq: number, code: string): void {
    this.queue.push({ seq, code });
    void this.pump();
  }

  interrupt(seq: number): void {
    if (this.running?.seq === seq) this.rejectRunning?.(new InterruptError());
  }

  /** Reports an error that escaped a cell (a rejected promise nobody awaited, a throwing timer). */
  reportStray(error: unknown): void {
    this.sink.output(errorOutput(error, this.cells), this.seq());
  }

  private async pump(): Promise<void> {
    if (!this.started || this.running) return;
    const job = this.queue.shift();
    if (!job) return;
    this.running = job;
    const status = await this.execute(job);
    this.running = undefined;
    if (status === 'error') {
      // As Jupyter: cells queued behind a failing one do not run.
      for (const skipped of this.queue.splice(0)) {
        this.emit({ type: 'execute_reply', seq: skipped.seq, status: 'aborted', executionCount: null, run: this.host.recorder.snapshot() });
      }
    }
    void this.pump();
  }

  private async execute({ seq, code }: Job): Promise<ReplyStatus> {
    const count = ++this.count;
    this.emit({ type: 'execute_input', seq, executionCount: count });
    const info: CellInfo = { count, source: code, cellLine: () => undefined };
    let status: ReplyStatus = 'ok';
    const interrupted = new Promise<never>((_, reject) => (this.rejectRunning = reject));
    interrupted.catch(() => undefined);
    try {
      await this.host.runAs(seq, async () => {
        const cell = await Promise.race([this.host.transpile(code), interrupted]);
        info.cellLine = cell.cellLine;
        this.cells.set(seq, info);
        const clash = cell.declared.filter((name) => this.reserved.has(name));
        if (clash.length) {
          throw new Error(`${clash.map((n) => `"${n}"`).join(', ')} ${clash.length > 1 ? 'are' : 'is'} provided by the kernel (or JavaScript); choose another name`);
        }
        const g = globalThis as Record<string, unknown>;
        for (const name of cell.declared) if (!Object.prototype.hasOwnProperty.call(g, name)) g[name] = undefined;
        let fn: () => Promise<unknown>;
        try {
          fn = this.host.evaluate(cell.code, `cell-${seq}.js`);
        } catch (e) {
          throw new Error(`internal error: the kernel's rewrite of this cell does not compile (${(e as Error).message}); please report it with the cell`);
        }
        const result = await Promise.race([fn(), interrupted]);
        this.sink.flush();
        if (cell.hasResult && result !== undefined) {
          const bundle = toBundle(result, { quoteStrings: true });
          const output: Output = { output_type: 'execute_result', execution_count: count, data: bundle.data, metadata: bundle.metadata };
          this.sink.output(output, seq);
        }
      });
    } catch (error) {
      status = 'error';
      this.sink.flush();
      this.sink.output(errorOutput(error, this.cells, info), seq);
    }
    this.rejectRunning = undefined;
    this.emit({ type: 'execute_reply', seq, status, executionCount: count, run: this.host.recorder.snapshot() });
    return status;
  }
}
