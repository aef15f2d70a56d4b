/**
 * Runs cells, one at a time, in the kernel's own realm (so that typed arrays and tensors made
 * in cells are the ones tfjs expects): each cell is transpiled, its top-level names become
 * globals, and it runs as an async function under an AsyncLocalStorage that remembers which
 * execution any later output or loop belongs to.
 *
 * Interrupting: `interrupt(seq)` rejects the cell's pending await at once; a cell busy in a
 * synchronous loop is stopped by `__wb.tick()` (put in every loop body by `rewrite.ts`), which
 * reads a flag that another thread sets (`child.ts`), because this thread is busy. Code that
 * loops without a tick (inside a library) cannot be stopped here: the driver then restarts
 * the kernel (`node-kernel.ts`).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import vm from 'node:vm';
import type { Output } from '../notebook/types.js';
import { makeDisplay } from './display.js';
import { errorOutput, InterruptError, type CellInfo } from './errors.js';
import { Progress, livePlot, trainingCurve, type ProgressOptions, type TrainingCurveOptions } from './live.js';
import { toBundle } from './mime.js';
import { OutputSink } from './outputs.js';
import { kernelPlot } from './plot.js';
import type { KernelEvent, ReplyStatus } from './protocol.js';
import { html, image, json, markdown, svg } from './rich.js';
import { RunRecorder, seededRandom } from './run-record.js';
import { transpileCell } from './transpile.js';
import { views } from './views/index.js';

interface Job {
  seq: number;
  code: string;
}

export class Executor {
  private readonly als = new AsyncLocalStorage<number>();
  private readonly queue: Job[] = [];
  private readonly cells = new Map<number, CellInfo>();
  private reserved = new Set<string>();
  private running: Job | undefined;
  private rejectRunning: ((e: unknown) => void) | undefined;
  private count = 0;
  private started = false;
  readonly sink: OutputSink;
  readonly recorder: RunRecorder;

  constructor(
    private readonly emit: (event: KernelEvent) => void,
    /** [0]: the latest execution that was interrupted (set by another thread). */
    private readonly flag: Int32Array,
    private readonly cwd: string,
  ) {
    this.sink = new OutputSink(emit, () => this.als.getStore() ?? this.running?.seq ?? 0);
    this.recorder = new RunRecorder(cwd);
    this.recorder.watchFiles(() => this.running !== undefined || this.als.getStore() !== undefined);
  }

  /** Puts the cell helpers on the global object; everything there now is reserved. */
  installGlobals(): void {
    const { sink, recorder, als, flag } = this;
    const g = globalThis as Record<string, unknown>;
    const kernelImport = async (specifier: string) => {
      let target = specifier;
      if (specifier.startsWith('.') || isAbsolute(specifier)) {
        target = pathToFileURL(resolve(this.cwd, specifier)).href;
      } else if (!specifier.startsWith('node:')) {
        target = resolveBare(specifier, this.cwd);
        recorder.notePackage(specifier, target);
      }
      return import(target);
    };
    g.__wb = {
      tick() {
        const interrupted = Atomics.load(flag, 0);
        if (interrupted !== 0) {
          const seq = als.getStore();
          if (seq !== undefined && seq <= interrupted) throw new InterruptError();
        }
      },
      import: kernelImport,
      importMeta: { url: pathToFileURL(join(this.cwd, 'notebook.ts')).href, dirname: this.cwd },
    };
    g.display = makeDisplay(sink);
    g.Plot = kernelPlot();
    g.views = views;
    g.html = html;
    g.svg = svg;
    g.md = markdown;
    g.json = json;
    g.image = image;
    g.progress = <T>(source: number | Iterable<T>, options?: ProgressOptions) => new Progress<T>(sink, source, options);
    g.livePlot = <Row>(render: (data: Row[]) => unknown, options?: { throttleMs?: number }) => livePlot<Row>(sink, render, options);
    g.trainingCurve = (options?: TrainingCurveOptions) => trainingCurve(sink, options);
    g.sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    g.seed = (n: number) => {
      if (!Number.isInteger(n)) throw new Error(`seed: expected an integer, got ${n}`);
      recorder.seeds.push(n);
      Math.random = seededRandom(n);
      return n;
    };
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
    const seq = this.als.getStore() ?? this.running?.seq ?? 0;
    this.sink.output(errorOutput(error, this.cells), seq);
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
        this.emit({ type: 'execute_reply', seq: skipped.seq, status: 'aborted', executionCount: null, run: this.recorder.snapshot() });
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
      await this.als.run(seq, async () => {
        const cell = await transpileCell(code);
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
          fn = vm.runInThisContext(cell.code, { filename: `cell-${seq}.js` }) as () => Promise<unknown>;
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
    this.emit({ type: 'execute_reply', seq, status, executionCount: count, run: this.recorder.snapshot() });
    return status;
  }
}

/** A bare specifier: from the kernel's own packages first, then from the notebook's folder. */
function resolveBare(specifier: string, cwd: string): string {
  try {
    return import.meta.resolve(specifier);
  } catch {
    return pathToFileURL(createRequire(join(cwd, 'notebook.js')).resolve(specifier)).href;
  }
}
