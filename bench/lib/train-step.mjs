// One configuration of the bert-mini training-step benchmark, in its own process (the thread count
// is fixed when the wasm backend starts): `node bench/lib/train-step.mjs THREADS [stock]`.
// "stock" composes every op from tfjs' own kernels, as the workbench did before its wasm kernels.
// Prints {"bench":"train-step","shape":"bert-mini","seconds_per_step","tokens_per_s","threads",...}.
import * as tf from '@tensorflow/tfjs-core';
import { BERT_DEFAULTS, Rng, Trainer, bertPretrainingLoss, initBertWeights, setFusedKernelsEnabled } from '@wb/core';
import { initNodeBackend } from '@wb/core/node';

const [threadsArg, mode = 'kernels'] = process.argv.slice(2);
const { threads } = await initNodeBackend({ threads: threadsArg });
if (mode === 'stock') setFusedKernelsEnabled(false);

// The shipped bert-mini's shape on a fixed full batch: 32 sequences × 128 tokens, no padding,
// 15% of positions masked (MLM) and an NSP label per sequence.
const config = { ...BERT_DEFAULTS, vocabSize: 8000, hiddenSize: 128, numHiddenLayers: 4, numAttentionHeads: 2, intermediateSize: 512, maxPositionEmbeddings: 128 };
const [batchSize, seqLength] = [32, 128];
const rng = new Rng(7);
const maskedIndices = [];
for (let i = 0; i < batchSize * seqLength; i++) if (rng.next() < 0.15) maskedIndices.push(i);
const batch = {
  batchSize,
  seqLength,
  inputIds: Int32Array.from({ length: batchSize * seqLength }, () => 5 + rng.int(7995)),
  tokenTypeIds: Int32Array.from({ length: batchSize * seqLength }, (_, i) => (i % seqLength >= seqLength / 2 ? 1 : 0)),
  attentionMask: new Float32Array(batchSize * seqLength).fill(1),
  nextSentenceLabels: Int32Array.from({ length: batchSize }, () => rng.int(2)),
  maskedIndices: Int32Array.from(maskedIndices),
  maskedLabels: Int32Array.from(maskedIndices, () => 5 + rng.int(7995)),
  neighborIndices: new Int32Array(0), // the neighbour loss is off, as in BERT's recipe
  neighborLabels: new Int32Array(0),
  tokens: batchSize * seqLength,
};

const weights = initBertWeights(config, undefined, 1);
const params = Object.fromEntries(Object.entries(weights).map(([name, t]) => [name, tf.variable(t)]));
const trainer = new Trainer({
  params,
  lossFn: (b) => bertPretrainingLoss(params, config, b),
  nextBatch: () => ({ batch, tokens: batch.tokens }),
  totalSteps: 100,
  learningRate: 1e-3,
  warmupSteps: 10,
  maxGradNorm: 1,
  seed: 1,
});
trainer.step(); // warm-up
const steps = 3;
const start = performance.now();
const losses = [];
for (let s = 0; s < steps; s++) losses.push(trainer.step().loss);
const seconds = (performance.now() - start) / 1000 / steps;
console.log(
  JSON.stringify({
    bench: 'train-step',
    shape: 'bert-mini',
    mode,
    seconds_per_step: +seconds.toFixed(3),
    tokens_per_s: Math.round(batch.tokens / seconds),
    threads,
    losses,
  }),
);
process.exit(0);
