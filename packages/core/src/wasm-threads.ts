/**
 * Multithreaded tfjs-wasm in Node: XNNPACK's thread pool over emscripten pthreads (worker_threads).
 *
 * tfjs-backend-wasm ships the threaded SIMD build but, in Node, never uses it:
 * - `WASM_HAS_MULTITHREAD_SUPPORT` is false in Node, so the single-threaded build loads;
 * - forced on, the pthread workers cannot start, because tfjs hands emscripten the worker script
 *   and the main script as Blob URLs, which Node's `worker_threads` cannot load;
 * - once they start, backend.cc caps the pool at `emscripten_num_logical_cores() / 2` (it assumes
 *   two hyperthreads per core), which is one thread on a 2-core machine.
 *
 * `useWasmThreads(n)` fixes the three, before the wasm backend initialises: it writes the worker
 * script to a file (pointing it at the main script's path instead of a Blob), hands that path to
 * emscripten while tfjs initialises, and reports 2n logical cores to the module's static
 * constructor, so the pool gets n threads. Results do not depend on n: XNNPACK splits a matmul by
 * output tiles and each tile is computed by one thread in the same order. Of emscripten's 8 pool
 * workers, only those that get a thread are started (`deferred-pthread-worker.ts`).
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { writeFileAtomic } from './atomic-file.js';
import { deferredWorkerClass, type WorkerClass } from './deferred-pthread-worker.js';

const require = createRequire(import.meta.url);

/** The worker's branch for a Blob main script, replaced by a plain path (tfjs-backend-wasm 4.x). */
const BLOB_IMPORT =
  'if(typeof e.data.urlOrBlob=="string"){importScripts(e.data.urlOrBlob)}else{var objectUrl=URL.createObjectURL(e.data.urlOrBlob);importScripts(objectUrl);URL.revokeObjectURL(objectUrl)}';

/** The thread count asked for by `--threads`/`WB_THREADS`, else the machine's core count. */
export function defaultThreadCount(requested?: number | string): number {
  const value = requested ?? process.env.WB_THREADS;
  if (value === undefined || value === '') return Math.max(1, os.cpus().length);
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 64) {
    throw new Error(`threads must be an integer from 1 to 64 (--threads or WB_THREADS), got "${value}"`);
  }
  return n;
}

let configured: number | undefined;

interface EmscriptenThreads {
  runningWorkers: Array<{ unref(): void }>;
}

/** The threads this process's wasm backend runs on: as configured by `useWasmThreads`, else tfjs's single-threaded build. */
export function wasmThreadCount(): number {
  return configured ?? 1;
}

/**
 * Makes the wasm backend run on `threads` threads; call before `initBackend`. Returns the count
 * configured. With one thread it leaves tfjs as it is (the single-threaded SIMD build).
 */
export function useWasmThreads(threads = defaultThreadCount()): number {
  if (configured !== undefined) return configured;
  configured = threads;
  if (threads <= 1) return threads;
  const wasmOut = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'wasm-out');
  const { wasmWorkerContents } = require(join(wasmOut, 'tfjs-backend-wasm-threaded-simd.worker.js')) as {
    wasmWorkerContents: string;
  };
  if (!wasmWorkerContents.includes(BLOB_IMPORT)) {
    process.emitWarning(`tfjs-backend-wasm's pthread worker is not the one this workbench knows; running on one thread`);
    configured = 1;
    return 1;
  }
  const mainScript = join(wasmOut, 'tfjs-backend-wasm-threaded-simd.js');
  // tfjs escapes newlines the same way before it makes its Blob: the source has "\n" in strings.
  const workerSource = wasmWorkerContents
    .replace(BLOB_IMPORT, `importScripts(${JSON.stringify(mainScript)});`)
    .replace(/\n/g, '\\n');
  const workerFile = writeOnce(workerSource);

  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  setThreadsCount(threads);
  duringWasmInit(workerFile, threads);
  return threads;
}

/** Content-addressed, so that concurrent processes and package updates never see a partial file. */
function writeOnce(source: string): string {
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 16);
  const folder = join(os.tmpdir(), 'wb-tfjs-wasm');
  const file = join(folder, `pthread-worker-${hash}.cjs`);
  if (!existsSync(file)) writeFileAtomic(file, source);
  return file;
}

/**
 * The substitutions last only while tfjs initialises the wasm module: the pthread pool's workers
 * are created then (the worker URL, and workers that start only when given a thread:
 * `deferred-pthread-worker.ts`), and so is backend.cc's core count (static init).
 */
function duringWasmInit(workerFile: string, threads: number): void {
  const createObjectURL = URL.createObjectURL;
  const cpus = os.cpus;
  const globalWorker = Object.getOwnPropertyDescriptor(globalThis, 'Worker');
  URL.createObjectURL = () => workerFile;
  os.cpus = () => Array.from({ length: 2 * threads }, () => cpus()[0]);
  // Emscripten's Node glue sets `global.Worker = require('worker_threads').Worker`, then creates its pool with it.
  let nodeWorker: WorkerClass | undefined;
  let deferred: WorkerClass | undefined;
  Object.defineProperty(globalThis, 'Worker', {
    configurable: true,
    get: () => nodeWorker && (deferred ??= deferredWorkerClass(nodeWorker)),
    set: (value: WorkerClass) => (nodeWorker = value),
  });
  const restore = () => {
    URL.createObjectURL = createObjectURL;
    os.cpus = cpus;
    // Afterwards, as the glue left it: a thread started later (the pool ran dry) gets a worker at once.
    if (nodeWorker) Object.defineProperty(globalThis, 'Worker', { configurable: true, writable: true, enumerable: true, value: nodeWorker });
    else if (globalWorker) Object.defineProperty(globalThis, 'Worker', globalWorker);
    else delete (globalThis as { Worker?: unknown }).Worker;
  };
  const factory = tf.findBackendFactory('wasm');
  if (!factory) {
    restore();
    return;
  }
  const registry = (tf.engine() as unknown as { registryFactory: Record<string, { priority: number }> }).registryFactory;
  const priority = registry.wasm?.priority ?? 2;
  tf.removeBackend('wasm');
  tf.registerBackend(
    'wasm',
    async () => {
      try {
        const backend = (await factory()) as unknown as { wasm: { PThread?: EmscriptenThreads } };
        // The pool's threads stay ref'd by emscripten, which would keep Node alive after the work is done.
        for (const worker of backend.wasm.PThread?.runningWorkers ?? []) worker.unref();
        return backend as unknown as tf.KernelBackend;
      } finally {
        restore();
      }
    },
    priority,
  );
}
