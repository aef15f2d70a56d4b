/**
 * Emscripten's pthread pool, started only as far as it is used.
 *
 * tfjs-backend-wasm's threaded build starts a pool of 8 workers (`PTHREAD_POOL_SIZE`, fixed in
 * its glue code) and waits until each has loaded the module, whatever the thread count: with 2
 * threads, XNNPACK runs one pthread and 7 workers start for nothing, each a Node isolate that
 * loads the module. Every `wb` command and Node kernel paid for them: 0.5–0.9 CPU-s and, on a
 * busy machine, seconds before its first line of work (measured).
 *
 * A `DeferredWorker` stands in for a pool worker: it answers emscripten's "load" at once, and
 * starts the real worker on the first other message, which is emscripten handing it a pthread
 * ("run"): "load" goes first, and the worker handles it synchronously before "run", so the main
 * thread may block on the new thread at once. Of a worker, emscripten's Node glue uses `on`,
 * `postMessage`, `ref`/`unref`, `terminate` and properties of its own; so does this.
 */
import type { Worker as NodeWorker, WorkerOptions } from 'node:worker_threads';

export type WorkerClass = new (file: string | URL, options?: WorkerOptions) => NodeWorker;
type Listener = (...args: unknown[]) => void;

interface LoadMessage {
  cmd: 'load';
}

const isLoad = (message: unknown): message is LoadMessage => (message as { cmd?: unknown } | null)?.cmd === 'load';
const isLoaded = (message: unknown) => (message as { cmd?: unknown } | null)?.cmd === 'loaded';

export function deferredWorkerClass(Real: WorkerClass): WorkerClass {
  class DeferredWorker {
    private real: NodeWorker | undefined;
    private load: LoadMessage | undefined;
    private readonly listeners: Array<[string, Listener]> = [];
    private referenced = true;
    /** The real worker's "loaded" message, which its listeners do not get. */
    private answered: unknown;

    constructor(
      private readonly file: string | URL,
      private readonly options?: WorkerOptions,
    ) {}

    on(event: string, listener: Listener): this {
      this.listeners.push([event, listener]);
      if (this.real) this.attach(this.real, event, listener);
      return this;
    }

    postMessage(message: unknown, transfer?: readonly Transferable[]): void {
      if (!this.real && isLoad(message)) {
        this.load = message;
        // As a worker that has loaded the module would answer (asynchronously, as a message does).
        setImmediate(() => this.emit('message', { cmd: 'loaded' }));
        return;
      }
      this.start().postMessage(message, transfer as never);
    }

    ref(): void {
      this.referenced = true;
      this.real?.ref();
    }

    unref(): void {
      this.referenced = false;
      this.real?.unref();
    }

    terminate(): Promise<number> {
      return this.real?.terminate() ?? Promise.resolve(0);
    }

    private emit(event: string, ...args: unknown[]): void {
      for (const [name, listener] of this.listeners) if (name === event) listener(...args);
    }

    private start(): NodeWorker {
      if (this.real) return this.real;
      const real = new Real(this.file, this.options);
      this.real = real;
      // The real worker's own "loaded" was answered for it already: emscripten must not see it twice.
      real.on('message', (message: unknown) => {
        if (this.answered === undefined && isLoaded(message)) this.answered = message;
      });
      for (const [event, listener] of this.listeners) this.attach(real, event, listener);
      if (!this.referenced) real.unref();
      if (this.load) real.postMessage(this.load);
      return real;
    }

    private attach(real: NodeWorker, event: string, listener: Listener): void {
      real.on(event, event === 'message' ? (message: unknown) => message !== this.answered && listener(message) : listener);
    }
  }
  return DeferredWorker as unknown as WorkerClass;
}
