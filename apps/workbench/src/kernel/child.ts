/**
 * The Node kernel's child process. The driver (`node-kernel.ts`) talks to it over IPC; a
 * second pipe (fd 3) carries interrupts to a small worker thread, which can set the interrupt
 * flag while this thread is busy in a cell's loop.
 */
import { Worker } from 'node:worker_threads';
import { Executor } from './executor.js';
import type { KernelEvent, KernelRequest } from './protocol.js';

const send = (event: KernelEvent) => {
  if (process.connected) process.send!(event);
};

const flag = new Int32Array(new SharedArrayBuffer(4));
const watcher = new Worker(
  `const { workerData } = require('node:worker_threads');
   const net = require('node:net');
   const flag = new Int32Array(workerData.buffer);
   let pending = Buffer.alloc(0);
   const pipe = new net.Socket({ fd: 3, readable: true, writable: false });
   pipe.on('data', (chunk) => {
     pending = Buffer.concat([pending, chunk]);
     while (pending.length >= 4) {
       Atomics.store(flag, 0, pending.readInt32LE(0));
       pending = pending.subarray(4);
     }
   });
   pipe.on('error', () => {});`,
  { eval: true, workerData: { buffer: flag.buffer } },
);
watcher.unref();

const executor = new Executor(send, flag, process.cwd());

for (const name of ['stdout', 'stderr'] as const) {
  const stream = process[name];
  stream.write = ((chunk: string | Uint8Array, encoding?: unknown, callback?: unknown) => {
    executor.sink.stream(name, typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString());
    const cb = typeof encoding === 'function' ? encoding : callback;
    if (typeof cb === 'function') cb();
    return true;
  }) as typeof stream.write;
}

process.on('unhandledRejection', (reason) => executor.reportStray(reason));
process.on('uncaughtException', (error) => executor.reportStray(error));
process.on('disconnect', () => process.exit(0));

process.on('message', (message: KernelRequest) => {
  if (message.type === 'execute') executor.enqueue(message.seq, message.code);
  else if (message.type === 'interrupt') executor.interrupt(message.seq);
  else if (message.type === 'shutdown') process.exit(0);
});

executor.installGlobals();
const core = await import('@wb/core');
const { backend } = await (await import('@wb/core/node')).initNodeBackend({ backend: process.env.WB_BACKEND || undefined });
executor.recorder.backend = backend;
executor.recorder.notePackage('@wb/core', import.meta.resolve('@wb/core'));
executor.recorder.notePackage('@tensorflow/tfjs-core', import.meta.resolve('@tensorflow/tfjs-core'));
executor.recorder.notePackage('@observablehq/plot', import.meta.resolve('@observablehq/plot'));
send({ type: 'ready', backend, versions: { node: process.versions.node, ...Object.fromEntries(executor.recorder.packages) } });
executor.start();
