// One configuration of the BERT training-step benchmark, in its own process (the thread count is
// fixed when the wasm backend starts): `node bench/lib/train-step.mjs THREADS [stock|kernels] [WORKERS] [mini|wide] [MICRO_BATCHES]`.
// "stock" composes every op from tfjs' own kernels, as the workbench did before its wasm kernels.
// WORKERS > 0 shares the micro-batches out between this thread and the gradient workers (data
// parallelism, gradient-workers.ts): the same update as computing them here one after another.
// "mini" is the shipped bert-mini's shape (hidden 128, 8k vocabulary), "wide" Google's BERT-mini's
// (hidden 256, 4 heads, 12k vocabulary).
// Prints {"bench":"train-step","shape","seconds_per_step","tokens_per_s","threads","workers",...}.
import * as tf from '@tensorflow/tfjs-core';
import { BERT_DEFAULTS, Rng, Trainer, bertPretrainingLoss, initBertWeights, setFusedKernelsEnabled } from '@wb/core';
import { builtModuleUrl, initNodeBackend, parallelHelpers } from '@wb/core/node';

const [threadsArg, mode = 'kernels', workersArg = '0', shape = 'mini', microBatchesArg] = process.argv.slice(2);
const workers = Number(workersArg);
const microBatches = Number(microBatchesArg ?? workers + 1);
const { threads } = await initNodeBackend({ threads: threadsArg });
if (mode === 'stock') setFusedKernelsEnabled(false);

// A fixed full batch: 32 sequences × 128 tokens, no padding, 15% of positions masked (MLM) and an
// NSP label per sequence, cut by rows into MICRO_BATCHES micro-batches (default: one per process).
const SHAPES = {
  mini: { vocabSize: 8000, hiddenSize: 128, numAttentionHeads: 2, intermediateSize: 512 },
  wide: { vocabSize: 12000, hiddenSize: 256, numAttentionHeads: 4, intermediateSize: 1024 },
};
const config = { ...BERT_DEFAULTS, ...SHAPES[shape], numHiddenLayers: 4, maxPositionEmbeddings: 128 };
const [batchSize, seqLength] = [32, 128];
const rng = new Rng(7);
const maskedIndices = [];
for (let i = 0; i < batchSize * seqLength; i++) if (rng.next() < 0.15) maskedIndices.push(i);
const full = {
  inputIds: Int32Array.from({ length: batchSize * seqLength }, () => 5 + rng.int(config.vocabSize - 5)),
  tokenTypeIds: Int32Array.from({ length: batchSize * seqLength }, (_, i) => (i % seqLength >= seqLength / 2 ? 1 : 0)),
  nextSentenceLabels: Int32Array.from({ length: batchSize }, () => rng.int(2)),
  maskedIndices: Int32Array.from(maskedIndices),
  maskedLabels: Int32Array.from(maskedIndices, () => 5 + rng.int(config.vocabSize - 5)),
};
const rows = batchSize / microBatches;
const batches = Array.from({ length: microBatches }, (_, m) => {
  const [from, to] = [m * rows * seqLength, (m + 1) * rows * seqLength];
  const masked = [...full.maskedIndices.keys()].filter((k) => full.maskedIndices[k] >= from && full.maskedIndices[k] < to);
  return {
    batchSize: rows,
    seqLength,
    inputIds: full.inputIds.slice(from, to),
    tokenTypeIds: full.tokenTypeIds.slice(from, to),
    attentionMask: new Float32Array(rows * seqLength).fill(1),
    nextSentenceLabels: full.nextSentenceLabels.slice(m * rows, (m + 1) * rows),
    maskedIndices: Int32Array.from(masked, (k) => full.maskedIndices[k] - from),
    maskedLabels: Int32Array.from(masked, (k) => full.maskedLabels[k]),
    neighborIndices: new Int32Array(0), // the neighbour loss is off, as in BERT's recipe
    neighborLabels: new Int32Array(0),
    tokens: rows * seqLength,
  };
});
let next = 0;
const helpers = parallelHelpers(
  { workers, accumulation: microBatches },
  { module: builtModuleUrl('pretrain/bert-loss.js'), exportName: 'pretrainingLossInWorker', setup: { config, lossWeights: {} } },
);

const weights = initBertWeights(config, undefined, 1);
const params = Object.fromEntries(Object.entries(weights).map(([name, t]) => [name, tf.variable(t)]));
const trainer = new Trainer({
  params,
  lossFn: (b) => bertPretrainingLoss(params, config, b),
  nextBatch: () => {
    const batch = batches[next++ % microBatches];
    return { batch, tokens: batch.tokens };
  },
  accumulation: microBatches,
  helpers,
  totalSteps: 100,
  learningRate: 1e-3,
  warmupSteps: 10,
  maxGradNorm: 1,
  seed: 1,
});
await trainer.stepAsync(); // warm-up
const steps = 3;
const start = performance.now();
const losses = [];
for (let s = 0; s < steps; s++) losses.push((await trainer.stepAsync()).loss);
const seconds = (performance.now() - start) / 1000 / steps;
await helpers?.close();
console.log(
  JSON.stringify({
    bench: 'train-step',
    shape: shape === 'mini' ? 'bert-mini' : 'bert 4x256',
    mode,
    seconds_per_step: +seconds.toFixed(3),
    tokens_per_s: Math.round((batchSize * seqLength) / seconds),
    threads,
    workers,
    micro_batches: microBatches,
    losses,
  }),
);
process.exit(0);
