/**
 * The browser kernel as the notebook page drives it: `KernelDriver`'s bookkeeping (executions,
 * states, interrupt then restart, a kernel that dies) over a Web Worker (`worker.ts`). Restart
 * terminates the worker and starts a new one; a worker that fails (its script does not load, an
 * error escapes it, no tfjs backend starts) is reported as dead and can be restarted.
 */
import { KernelDriver, type InstanceHandlers } from '../kernel-driver.js';
import type { KernelRequest } from '../protocol.js';
import type { WorkerInit, WorkerToPage } from './worker-protocol.js';
import { xsrfToken } from '../../ui/xsrf.js';

/** Where the UI build puts the worker bundle (`ui/build.ts`). */
export const KERNEL_WORKER_URL = '/assets/kernel/worker.js';

export interface BrowserKernelOptions {
  /** The notebook's path in the served folder. */
  notebookPath: string;
  /** How long an interrupted cell may take to stop before the worker is restarted. */
  graceMs?: number;
  /** A tfjs backend to use instead of webgpu → webgl → wasm → cpu. */
  backend?: string;
}

export class BrowserKernel extends KernelDriver {
  protected readonly noun = 'kernel worker';
  private worker: Worker | undefined;
  private flag: Int32Array | undefined;

  constructor(readonly options: BrowserKernelOptions) {
    super(options.graceMs);
  }

  /** Whether a busy loop can be interrupted without a restart (needs a cross-origin isolated page). */
  static get sharedInterrupts(): boolean {
    return globalThis.crossOriginIsolated === true && typeof SharedArrayBuffer === 'function';
  }

  protected launch(handlers: InstanceHandlers): void {
    const worker = new Worker(KERNEL_WORKER_URL, { type: 'module', name: 'wb-kernel' });
    this.worker = worker;
    const shared = BrowserKernel.sharedInterrupts ? new SharedArrayBuffer(4) : undefined;
    this.flag = shared ? new Int32Array(shared) : undefined;
    worker.onmessage = (event: MessageEvent<WorkerToPage>) => {
      const message = event.data;
      if (message.type === 'exit') {
        this.forget(worker);
        handlers.exit(message.why, '');
      } else {
        handlers.event(message);
      }
    };
    worker.onerror = (event) => {
      // The worker handles its cells' errors itself; what reaches here means it is broken.
      event.preventDefault();
      this.forget(worker);
      worker.terminate();
      handlers.exit('the worker failed', event.message || `its script ${KERNEL_WORKER_URL} did not load`);
    };
    const init: WorkerInit = { type: 'init', interruptFlag: shared, notebookPath: this.options.notebookPath, backend: this.options.backend, xsrfToken: xsrfToken() };
    worker.postMessage(init);
  }

  private forget(worker: Worker): void {
    if (this.worker === worker) this.worker = undefined;
  }

  protected send(request: KernelRequest): void {
    this.worker?.postMessage(request);
  }

  protected signalInterrupt(seq: number): void {
    if (this.flag) Atomics.store(this.flag, 0, seq);
  }

  protected kill(): void {
    this.worker?.terminate();
    this.worker = undefined;
  }
}
