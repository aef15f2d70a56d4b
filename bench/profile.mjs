#!/usr/bin/env node
// Where the time goes, kernel by kernel (tf.profile): `node bench/profile.mjs encoder|train
// [--threads N] [--stock]`. encoder: the mini shape's forward (4×256, batch 32×128); train: one
// bert-mini pretraining step (4×128, batch 32×128). --stock composes every op from tfjs' own kernels.
// Not a benchmark (profiling adds overhead); use it to decide what to fuse next.
import * as tf from '@tensorflow/tfjs-core';
import { BERT_DEFAULTS, Rng, Trainer, bertForward, bertPretrainingLoss, initBertWeights, setFusedKernelsEnabled } from '@wb/core';
import { initNodeBackend } from '@wb/core/node';

const args = process.argv.slice(2);
const workload = args.find((a) => !a.startsWith('--')) ?? 'encoder';
const threadsAt = args.indexOf('--threads');
const { threads } = await initNodeBackend({ threads: threadsAt >= 0 ? args[threadsAt + 1] : undefined });
if (args.includes('--stock')) setFusedKernelsEnabled(false);

function encoderStep() {
  const config = { ...BERT_DEFAULTS, numHiddenLayers: 4, hiddenSize: 256, numAttentionHeads: 4, intermediateSize: 1024 };
  const weights = initBertWeights(config, { pooler: true });
  const inputIds = tf.randomUniform([32, 128], 1000, 20000, 'int32');
  const attentionMask = tf.ones([32, 128]);
  return () => tf.dispose(bertForward(weights, config, { inputIds, attentionMask }).lastHiddenState.dataSync());
}

function trainStep() {
  const config = { ...BERT_DEFAULTS, vocabSize: 8000, hiddenSize: 128, numHiddenLayers: 4, numAttentionHeads: 2, intermediateSize: 512, maxPositionEmbeddings: 128 };
  const rng = new Rng(7);
  const n = 32 * 128;
  const maskedIndices = Int32Array.from({ length: n }, (_, i) => i).filter(() => rng.next() < 0.15);
  const batch = {
    batchSize: 32, seqLength: 128, tokens: n,
    inputIds: Int32Array.from({ length: n }, () => 5 + rng.int(7995)),
    tokenTypeIds: new Int32Array(n),
    attentionMask: new Float32Array(n).fill(1),
    nextSentenceLabels: Int32Array.from({ length: 32 }, () => rng.int(2)),
    maskedIndices,
    maskedLabels: Int32Array.from(maskedIndices, () => 5 + rng.int(7995)),
    neighborIndices: new Int32Array(0), // the neighbour loss is off, as in BERT's recipe
    neighborLabels: new Int32Array(0),
  };
  const params = Object.fromEntries(Object.entries(initBertWeights(config, undefined, 1)).map(([k, t]) => [k, tf.variable(t)]));
  const trainer = new Trainer({
    params, lossFn: (b) => bertPretrainingLoss(params, config, b), nextBatch: () => ({ batch, tokens: n }),
    totalSteps: 10, learningRate: 1e-3, warmupSteps: 1, maxGradNorm: 1, seed: 1,
  });
  return () => trainer.step();
}

const step = workload === 'train' ? trainStep() : encoderStep();
step(); // warm-up
const profile = await tf.profile(() => {
  step();
});
const byKernel = new Map();
for (const k of profile.kernels) {
  // tf.profile also lists the op scopes around kernels; keep the kernels themselves.
  if (k.name.endsWith('__op') || k.name === 'unnamed scope') continue;
  const key = `${k.name} ${JSON.stringify(k.inputShapes)}`;
  byKernel.set(key, (byKernel.get(key) ?? 0) + (await k.kernelTimeMs));
}
const total = [...byKernel.values()].reduce((a, b) => a + b, 0);
console.log(`${workload}, ${threads} thread(s)${args.includes('--stock') ? ', stock kernels' : ''}: ${total.toFixed(0)} ms in kernels`);
for (const [key, ms] of [...byKernel].sort((a, b) => b[1] - a[1]).slice(0, 20)) {
  console.log(`${ms.toFixed(1).padStart(8)} ms ${((100 * ms) / total).toFixed(1).padStart(5)}%  ${key}`);
}
process.exit(0);
