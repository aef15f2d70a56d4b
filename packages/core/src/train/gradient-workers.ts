/**
 * Data parallelism in Node: the micro-batches of one update (`accumulation`) are shared out to worker
 * threads, each with a replica of the parameters on its own tfjs-wasm, and computed while the trainer's
 * thread computes its own share. The trainer sums all of them in batch order, as it does when it
 * computes them one after another, and the same wasm build computes the same bits on any thread, so a
 * run's weights do not depend on the number of workers.
 *
 * Why worker threads as well as `--threads`: wasm threads split each matrix product (XNNPACK), but the
 * rest of a step (softmax, GELU, LayerNorm, gathers, the optimizer) runs on one thread, so a second
 * thread adds a fifth to a BERT's speed; a second replica nearly doubles it.
 *
 * The family says what a worker computes with a `WorkerLoss`: a module exporting a function that
 * turns plain data (`setup`, e.g. the config and loss weights) into the same loss the trainer runs.
 */
import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { wasmThreadCount } from '../wasm-threads.js';
import type { GradientHelpers, LossOutput, MicroBatchGradients } from './trainer.js';

export interface WorkerLoss {
  /** URL of the module (its built JavaScript) that exports `exportName`. */
  module: string;
  /** A function `(setup) => (params, batch) => LossOutput`. */
  exportName: string;
  /** Structured-cloneable data the function needs. */
  setup: unknown;
}

/** What a `WorkerLoss`'s export returns: the trainer's loss over named parameters. */
export type WorkerLossFn<B> = (params: Record<string, tf.Variable>, batch: B) => LossOutput;

export interface WorkerRequest<B> {
  /** Parameters whose values changed since the last request (all of them the first time). */
  values: Record<string, { shape: number[]; data: Float32Array }>;
  trainable: string[];
  batches: B[];
}

export type WorkerResponse = { results: MicroBatchGradients[] } | { error: string };

/**
 * `relative` resolved against the built JavaScript of the module at `moduleUrl` (its import.meta.url),
 * which is what a worker can load: under vitest that module runs from src/…/*.ts, and its build is the
 * dist/…/*.js beside it. Any package's Node code names the module a worker should load this way.
 */
export function builtUrlBeside(moduleUrl: string, relative: string): string {
  if (!moduleUrl.endsWith('.ts')) return new URL(relative, moduleUrl).href;
  const src = moduleUrl.lastIndexOf('/src/');
  return new URL(relative, `${moduleUrl.slice(0, src)}/dist/${moduleUrl.slice(src + 5, -3)}.js`).href;
}

/** The URL of one of this package's modules (`pretrain/bert-loss.js`) as the worker can load it. */
export function builtModuleUrl(pathInPackage: string): string {
  return builtUrlBeside(import.meta.url, `../${pathInPackage}`);
}

/**
 * Workers for a run's `workers` setting (none for 0 or undefined), after checking that each process
 * gets at least one micro-batch per update; they run tfjs-wasm on as many threads as this process.
 */
export function parallelHelpers<B>(settings: { workers?: number; accumulation: number }, loss: WorkerLoss): GradientWorkers<B> | undefined {
  const workers = settings.workers ?? 0;
  if (workers === 0) return undefined;
  if (settings.accumulation < workers + 1) {
    throw new Error(
      `--workers ${workers} needs --accumulation ${workers + 1} or more: this thread and each worker compute whole micro-batches of an update ` +
        `(e.g. --batch-size 16 --accumulation 2 for 32 examples per update on two)`,
    );
  }
  return new GradientWorkers<B>(workers, loss, wasmThreadCount());
}

export class GradientWorkers<B> implements GradientHelpers<B> {
  /** Started by the first update, so that a run that fails before it leaves no thread behind. */
  private workers: Worker[] | undefined;
  /** Whether the workers hold every parameter (they get only the trainable ones after the first update). */
  private synced = false;
  private failure: Error | undefined;

  /** `count` worker threads computing `loss`, each running tfjs-wasm on `threads` threads. */
  constructor(
    readonly count: number,
    private readonly loss: WorkerLoss,
    private readonly threads = 1,
  ) {}

  async compute(batchesPerHelper: B[][], params: Record<string, tf.Variable>, trainable: string[]): Promise<MicroBatchGradients[][]> {
    if (this.failure) throw this.failure;
    this.workers ??= Array.from({ length: this.count }, () => {
      const worker = new Worker(new URL(builtModuleUrl('train/gradient-worker.js')), { workerData: { loss: this.loss, threads: this.threads } });
      worker.on('error', (e) => (this.failure ??= new Error(`gradient worker failed: ${e.message}`)));
      return worker;
    });
    const names = this.synced ? trainable : Object.keys(params);
    const values = Object.fromEntries(names.map((name) => [name, { shape: params[name].shape, data: params[name].dataSync() as Float32Array }]));
    this.synced = true;
    return Promise.all(this.workers.map((worker, h) => this.ask(worker, { values, trainable, batches: batchesPerHelper[h] })));
  }

  private ask(worker: Worker, request: WorkerRequest<B>): Promise<MicroBatchGradients[]> {
    return new Promise((resolve, reject) => {
      const onExit = (code: number) => reject(this.failure ?? new Error(`gradient worker exited (code ${code}) during a step`));
      worker.once('exit', onExit);
      worker.once('message', (response: WorkerResponse) => {
        worker.off('exit', onExit);
        if ('error' in response) reject(new Error(`gradient worker: ${response.error}`));
        else resolve(response.results);
      });
      worker.postMessage(request);
    });
  }

  async close(): Promise<void> {
    await Promise.all((this.workers ?? []).map((w) => w.terminate()));
    this.workers = undefined;
    this.synced = false;
  }
}
