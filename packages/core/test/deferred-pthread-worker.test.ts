/**
 * The pthread pool's stand-in workers (`deferred-pthread-worker.ts`): "load" is answered without
 * a thread; the first other message starts the real worker, which gets "load" first, and whose
 * own "loaded" its listeners never see. (End to end, `wb --threads 1|2` writing the same bytes is
 * apps/workbench/test/cli.test.ts.)
 */
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { deferredWorkerClass } from '../src/deferred-pthread-worker.js';

/** A worker as emscripten's: answers "load" with "loaded", then echoes every message it is sent. */
const ECHO = `const { parentPort } = require('node:worker_threads');
parentPort.on('message', (m) => parentPort.postMessage(m.cmd === 'load' ? { cmd: 'loaded' } : { echo: m }));`;

function countingWorkers() {
  const started: string[] = [];
  class EchoWorker extends Worker {
    constructor(file: string | URL, options?: WorkerOptions) {
      started.push(String(file));
      super(ECHO, { ...options, eval: true });
    }
  }
  return { Deferred: deferredWorkerClass(EchoWorker), started };
}

const nextMessage = (worker: Worker) => new Promise<unknown>((resolve) => worker.on('message', resolve));

describe('deferred pthread workers', () => {
  it('answer "load" without starting a thread', async () => {
    const { Deferred, started } = countingWorkers();
    const pool = Array.from({ length: 8 }, () => new Deferred('pthread-worker.cjs'));
    const loaded = await Promise.all(pool.map((worker) => ((worker.postMessage({ cmd: 'load', wasmModule: 'm' }), nextMessage(worker)))));
    expect(loaded).toEqual(Array(8).fill({ cmd: 'loaded' }));
    expect(started).toEqual([]);
    await Promise.all(pool.map((worker) => worker.terminate()));
  });

  it('start the real worker on the first other message: "load" goes first, its "loaded" is not seen twice', async () => {
    const { Deferred, started } = countingWorkers();
    const worker = new Deferred('pthread-worker.cjs');
    const seen: unknown[] = [];
    worker.on('message', (m) => seen.push(m));
    worker.postMessage({ cmd: 'load', wasmModule: 'm' });
    await new Promise((resolve) => setImmediate(resolve));
    worker.unref();
    worker.postMessage({ cmd: 'run', thread: 7 });
    await expect.poll(() => seen).toEqual([{ cmd: 'loaded' }, { echo: { cmd: 'run', thread: 7 } }]);
    expect(started).toEqual(['pthread-worker.cjs']);
    worker.postMessage({ cmd: 'run', thread: 8 });
    await expect.poll(() => seen.length).toBe(3);
    expect(started).toHaveLength(1);
    await worker.terminate();
  });
});
