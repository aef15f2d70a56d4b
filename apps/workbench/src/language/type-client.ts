/**
 * The server's side of the language service: `type-worker.ts` in a worker thread, started on the
 * first request and started again after a crash, so that the program's first build (seconds)
 * never blocks the server.
 */
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { CellQuery, Completions, HoverInfo } from './type-service.js';

export type TypeRequest = { id: number; method: 'completions' | 'hover'; query: CellQuery } | { id: number; method: 'warm' };
export type TypeResponse = { id: number; result: Completions | HoverInfo | null } | { id: number; error: string };

/** The worker's script, always the built one (tests import this file from src/, as the Node kernel's child). */
function workerScript(): string {
  const here = fileURLToPath(import.meta.url);
  return here.endsWith('.ts') ? fileURLToPath(new URL('../../dist/language/type-worker.js', import.meta.url)) : fileURLToPath(new URL('./type-worker.js', import.meta.url));
}

export class TypeClient {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(result: unknown): void; reject(error: Error): void }>();

  completions(query: CellQuery): Promise<Completions | null> {
    return this.ask({ id: this.nextId++, method: 'completions', query }) as Promise<Completions | null>;
  }

  hover(query: CellQuery): Promise<HoverInfo | null> {
    return this.ask({ id: this.nextId++, method: 'hover', query }) as Promise<HoverInfo | null>;
  }

  /** Builds the program now, so that the first completion does not wait for it. */
  warm(): Promise<void> {
    return this.ask({ id: this.nextId++, method: 'warm' }).then(() => undefined);
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }

  private ask(request: TypeRequest): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.pending.set(request.id, { resolve, reject });
      this.started().postMessage(request);
    });
  }

  private started(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(workerScript());
    // The service must not keep a server that is done from exiting.
    worker.unref();
    worker.on('message', (response: TypeResponse) => {
      const waiting = this.pending.get(response.id);
      this.pending.delete(response.id);
      if ('error' in response) waiting?.reject(new Error(`the language service failed: ${response.error}`));
      else waiting?.resolve(response.result);
    });
    const fail = (why: string) => {
      if (this.worker === worker) this.worker = undefined;
      for (const waiting of this.pending.values()) waiting.reject(new Error(`the language service stopped: ${why}`));
      this.pending.clear();
    };
    worker.on('error', (e) => fail(e.message));
    worker.on('exit', (code) => fail(`its thread exited (${code})`));
    this.worker = worker;
    return worker;
  }
}
