/**
 * The browser kernel: a Web Worker running tfjs on WebGPU, else WebGL, else WebAssembly (with
 * `@wb/kernels-gpu`'s fused kernels on the GPU backends), and the same cell machinery as the Node
 * kernel (`../cell-executor.ts`). The page drives it with the kernel protocol over postMessage
 * (`browser-kernel.ts`). Cells are transpiled by the server; files come from the server's
 * read-only routes; `import`s resolve to the packages bundled here (`modules.ts`).
 *
 * Interrupts: the page writes the interrupted execution into a SharedArrayBuffer that
 * `__wb.tick()` reads, so a `while (true) {}` stops even though this thread never gets to read a
 * message; without cross-origin isolation (no SharedArrayBuffer) the `interrupt` message stops a
 * cell that awaits, and the page terminates a worker that does not stop.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { initBackend } from '@wb/core';
import { registerFusedKernels } from '@wb/kernels-gpu';
import { CellExecutor } from '../cell-executor.js';
import { captureConsole } from './console.js';
import { FILES_ROOT, installBrowserFiles } from './browser-files.js';
import { kernelModules } from './modules.js';
import { BrowserRunRecorder } from './run-record.js';
import { transpileOnServer } from './transpile-client.js';
import { refuseWebGpuSyncReads } from './webgpu-sync-read.js';
import { bundledVersions } from './versions.js';
import type { PageToWorker, WorkerInit, WorkerToPage } from './worker-protocol.js';

/** The few members of a dedicated worker's global scope used here (the DOM lib types `self` as a Window). */
interface WorkerScope {
  postMessage(message: WorkerToPage): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<PageToWorker>) => void): void;
  addEventListener(type: 'error', listener: (event: ErrorEvent) => void): void;
  addEventListener(type: 'unhandledrejection', listener: (event: PromiseRejectionEvent) => void): void;
  close(): void;
}

/** Where the server serves tfjs' wasm binaries (`server/kernel-assets.ts`). */
const WASM_PATH = '/assets/kernel/tfjs-wasm/';

const scope = globalThis as unknown as WorkerScope;
const post = (message: WorkerToPage) => scope.postMessage(message);

let executor: CellExecutor | undefined;
let flag: Int32Array<ArrayBufferLike> = new Int32Array(1);
const early: PageToWorker[] = [];

function handle(message: PageToWorker): void {
  if (message.type === 'init') {
    void start(message);
  } else if (!executor) {
    early.push(message);
  } else if (message.type === 'execute') {
    executor.enqueue(message.seq, message.code);
  } else if (message.type === 'interrupt') {
    // The page has set the shared flag already when it could; this covers a flag of our own.
    Atomics.store(flag, 0, Math.max(Atomics.load(flag, 0), message.seq));
    executor.interrupt(message.seq);
  } else if (message.type === 'shutdown') {
    scope.close();
  }
}

async function start(init: WorkerInit): Promise<void> {
  flag = init.interruptFlag ? new Int32Array(init.interruptFlag) : new Int32Array(1);
  let cells: CellExecutor | undefined;
  const recorder = new BrowserRunRecorder(bundledVersions, () => cells?.busy ?? false);
  const modules = kernelModules(installBrowserFiles({ notebookPath: init.notebookPath, xsrfToken: init.xsrfToken, onRead: (read) => recorder.noteRead(read) }));
  const notebookUrl = `${FILES_ROOT}/notebooks/${init.notebookPath.split('/').map(encodeURIComponent).join('/')}`;
  cells = new CellExecutor(post, flag, {
    transpile: (code) => transpileOnServer(code, init.xsrfToken),
    // Indirect eval runs in the global scope; sourceURL names the cell's frames in stack traces.
    evaluate: (code, filename) => (0, eval)(`${code}\n//# sourceURL=${filename}`) as () => Promise<unknown>,
    // No AsyncLocalStorage in a browser: output is the running cell's.
    runAs: (_seq, fn) => fn(),
    currentSeq: () => undefined,
    import: async (specifier) => {
      const module = modules.resolve(specifier);
      const name = modules.packageOf(specifier);
      if (name) recorder.notePackage(name);
      return module;
    },
    importMeta: { url: new URL(notebookUrl, self.location.origin).href, dirname: notebookUrl.split('/').slice(0, -1).join('/') },
    recorder,
  });
  executor = cells;
  captureConsole(cells.sink);
  scope.addEventListener('error', (event) => {
    event.preventDefault();
    cells.reportStray(event.error ?? event.message);
  });
  scope.addEventListener('unhandledrejection', (event) => {
    event.preventDefault();
    cells.reportStray(event.reason);
  });
  // A cell that calls close() ends the worker, which would otherwise vanish without a word.
  const closeWorker = scope.close.bind(scope);
  scope.close = () => {
    post({ type: 'exit', why: 'close() was called' });
    closeWorker();
  };
  cells.installGlobals();
  for (const message of early.splice(0)) handle(message);

  try {
    setWasmPaths(WASM_PATH);
    // The threaded wasm build starts workers of its own from blob: URLs, which the kernel's CSP
    // forbids; wasm is the fallback here, single-threaded as in the Node kernel.
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    registerFusedKernels();
    const backend = await initBackend(init.backend);
    refuseWebGpuSyncReads();
    recorder.backend = backend;
    for (const name of ['@wb/core', '@tensorflow/tfjs-core', '@observablehq/plot']) recorder.notePackage(name);
    post({ type: 'ready', backend, versions: { browser: self.navigator.userAgent, ...Object.fromEntries(recorder.packages) } });
    cells.start();
  } catch (e) {
    post({ type: 'exit', why: `no tfjs backend could start: ${(e as Error).message}` });
    closeWorker();
  }
}

scope.addEventListener('message', (event) => handle(event.data));
