/**
 * A gradient worker thread (see gradient-workers.ts): a replica of the parameters on its own
 * tfjs-wasm, computing the loss and gradients of the micro-batches the trainer sends it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { initNodeBackend } from '../node-backend.js';
import './gradients.js';
import { lossAndGradients, type MicroBatchGradients } from './trainer.js';
import type { WorkerLoss, WorkerLossFn, WorkerRequest, WorkerResponse } from './gradient-workers.js';

const { loss, threads } = workerData as { loss: WorkerLoss; threads: number };
await initNodeBackend({ threads });
const makeLoss = (await import(loss.module))[loss.exportName] as (setup: unknown) => WorkerLossFn<unknown>;
const lossFn = makeLoss(loss.setup);
const params: Record<string, tf.Variable> = {};

function update(values: WorkerRequest<unknown>['values']): void {
  for (const [name, { shape, data }] of Object.entries(values)) {
    const value = tf.tensor(data, shape, 'float32');
    if (params[name]) params[name].assign(value);
    else params[name] = tf.variable(value, true);
    value.dispose();
  }
}

function gradients(batch: unknown, trainable: string[]): MicroBatchGradients {
  const { loss, parts, grads } = lossAndGradients((b) => lossFn(params, b), batch, params, trainable);
  const result: MicroBatchGradients = {
    loss: loss.dataSync()[0],
    parts: Object.fromEntries(Object.entries(parts).map(([k, t]) => [k, t.dataSync()[0]])),
    grads: Object.fromEntries(Object.entries(grads).map(([name, g]) => [name, { shape: g.shape, data: new Float32Array(g.dataSync()) }])),
  };
  tf.dispose([loss, ...Object.values(parts), ...Object.values(grads)]);
  return result;
}

parentPort!.on('message', ({ values, trainable, batches }: WorkerRequest<unknown>) => {
  let response: WorkerResponse;
  try {
    update(values);
    response = { results: batches.map((batch) => gradients(batch, trainable)) };
  } catch (e) {
    response = { error: (e as Error).stack ?? String(e) };
  }
  const buffers = 'results' in response ? response.results.flatMap((r) => Object.values(r.grads).map((g) => g.data.buffer as ArrayBuffer)) : [];
  parentPort!.postMessage(response, buffers);
});
