import * as tf from '@tensorflow/tfjs-core';
import { crossEntropy } from '@wb/core';
import { initNodeBackend } from '@wb/core/node';
await initNodeBackend({ threads: 1 });
const [rows, classes] = [4096, 8000];
const logits = tf.variable(tf.randomNormal([rows, classes]));
const labelIds = Int32Array.from({ length: rows }, (_, i) => (i * 7919) % classes);
for (let i = 0; i < 4; i++) {
  const t0 = performance.now();
  const { value, grads } = tf.variableGrads(() => crossEntropy(logits, labelIds), [logits]);
  value.dataSync();
  tf.dispose([value, ...Object.values(grads)]);
  console.log((performance.now() - t0).toFixed(0), 'ms');
}
const t1 = performance.now();
const y = tf.tidy(() => tf.exp(logits)); y.dataSync(); console.log('exp', (performance.now() - t1).toFixed(0));
const t2 = performance.now();
const z = tf.tidy(() => tf.oneHot(tf.tensor1d(labelIds, 'int32'), classes)); z.dataSync(); console.log('onehot', (performance.now() - t2).toFixed(0));
const t3 = performance.now();
const s = tf.tidy(() => tf.logSumExp(logits, 1, true)); s.dataSync(); console.log('logsumexp', (performance.now() - t3).toFixed(0));
const t4 = performance.now();
const r = tf.tidy(() => tf.sub(logits, s)); r.dataSync(); console.log('sub bcast', (performance.now() - t4).toFixed(0));
const t5 = performance.now();
const g = tf.tidy(() => tf.gather(tf.reshape(logits, [rows * classes]), tf.tensor1d(labelIds, 'int32'))); g.dataSync(); console.log('gather', (performance.now() - t5).toFixed(0));
