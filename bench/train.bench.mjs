// Training throughput on the Node wasm backend.
// 1. One linear layer forward + backward: core's `dense` (explicit transposes in the gradient) against
//    tfjs's own fused matMul gradient (transposeA/transposeB matmuls), same shapes, same run.
// 2. The LM loss of a GPT batch (4,096 positions × 8,000 tokens) forward + backward: core's
//    crossEntropy (one custom gradient) against tfjs' autodiff through logSoftmax, a one-hot and a sum.
// 3. A whole BERT pretraining step (MLM + NSP, AdamW) of the shipped bert-mini shape, tokens/s,
//    today's path against the wasm kernels and threads (see below).
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { backendName, crossEntropy, dense } from '@wb/core';
import { defaultThreadCount, initNodeBackend } from '@wb/core/node';
import { trainPeers } from './peers/train-peers.mjs';

const here = dirname(fileURLToPath(import.meta.url));
await initNodeBackend({ threads: 1 });

function time(run, repeats) {
  run(); // warm-up
  const start = performance.now();
  for (let r = 0; r < repeats; r++) run();
  return (performance.now() - start) / 1000 / repeats;
}

{
  const [rows, inFeatures, outFeatures] = [4096, 128, 512];
  const x = tf.randomNormal([rows, inFeatures]);
  const w = tf.variable(tf.randomNormal([inFeatures, outFeatures], 0, 0.02));
  const b = tf.variable(tf.zeros([outFeatures]));
  const step = (layer) => () => {
    const { value, grads } = tf.variableGrads(() => tf.mean(tf.square(layer())), [w, b]);
    value.dataSync();
    tf.dispose([value, ...Object.values(grads)]);
  };
  const ours = time(step(() => dense(x, w, b)), 5);
  const stock = time(step(() => tf.fused.matMul({ a: x, b: w, bias: b })), 5);
  console.log(
    JSON.stringify({
      bench: 'train',
      case: `linear ${rows}x${inFeatures}x${outFeatures} forward+backward`,
      backend: backendName(),
      dense_ms: +(ours * 1000).toFixed(1),
      tfjs_fused_matmul_ms: +(stock * 1000).toFixed(1),
      speedup: +(stock / ours).toFixed(2),
    }),
  );
  tf.dispose([x, w, b]);
}

{
  const [rows, classes] = [4096, 8000];
  const logits = tf.variable(tf.randomNormal([rows, classes]));
  const labelIds = Int32Array.from({ length: rows }, (_, i) => (i * 7919) % classes);
  const labels = tf.tensor1d(labelIds, 'int32');
  const step = (loss) => () => {
    const { value, grads } = tf.variableGrads(loss, [logits]);
    value.dataSync();
    tf.dispose([value, ...Object.values(grads)]);
  };
  const ours = time(step(() => crossEntropy(logits, labelIds)), 3);
  const autodiff = time(step(() => tf.neg(tf.mean(tf.sum(tf.mul(tf.logSoftmax(logits), tf.oneHot(labels, classes)), 1)))), 3);
  console.log(
    JSON.stringify({
      bench: 'train',
      case: `cross-entropy ${rows}x${classes} forward+backward`,
      backend: backendName(),
      cross_entropy_ms: +(ours * 1000).toFixed(1),
      tfjs_autodiff_ms: +(autodiff * 1000).toFixed(1),
      speedup: +(autodiff / ours).toFixed(2),
    }),
  );
  tf.dispose([logits, labels]);
}

// 3. The bert-mini training step on a fixed full batch, each configuration in its own process:
//    "today" is one thread on tfjs' stock kernels (the workbench before its wasm kernels and threads),
//    then the wasm kernels on one thread and on every core. The losses must agree.
const cores = defaultThreadCount();
const configurations = [[1, 'stock'], [1, 'kernels'], ...(cores > 1 ? [[cores, 'kernels']] : [])];
const results = configurations.map(([threads, mode]) => {
  const child = spawnSync(process.execPath, [join(here, 'lib', 'train-step.mjs'), String(threads), mode], { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`train-step ${threads} ${mode} failed:\n${child.stderr}`);
  const line = JSON.parse(child.stdout.trim().split('\n').at(-1));
  console.log(JSON.stringify(line));
  return line;
});
const [today, ...ours] = results;
for (const result of ours) {
  console.log(
    JSON.stringify({
      bench: 'train-step',
      shape: 'bert-mini',
      ratio: `${result.mode} on ${result.threads} thread(s) vs today's single thread`,
      speedup: +(today.seconds_per_step / result.seconds_per_step).toFixed(2),
      // The kernels sum in another order than tfjs' stock ops: agreement to float32 rounding, not bits.
      losses_agree: result.losses.every((loss, i) => Math.abs(loss - today.losses[i]) <= 1e-5 * Math.abs(today.losses[i])),
    }),
  );
}
trainPeers({ ours: ours.at(-1).tokens_per_s });
