// Training throughput on the Node wasm backend.
// 1. One linear layer forward + backward: core's `dense` (explicit transposes in the gradient) against
//    tfjs's own fused matMul gradient (transposeA/transposeB matmuls), same shapes, same run.
// 2. The LM loss of a GPT batch (4,096 positions × 8,000 tokens) forward + backward: core's
//    crossEntropy (one custom gradient) against tfjs' autodiff through logSoftmax, a one-hot and a sum.
// 3. An ELMo pretraining step (elmo-mini's shape: char CNN, 2 × LSTM 512/128 each way, sampled
//    softmax over 20,000 words; 64 sentences of up to 20 words): core's kernels (among them the
//    heap-view Slice/Unpack/SplitV the LSTM's time steps are cut with) against tfjs' stock ones.
// 4. A whole BERT pretraining step (MLM + NSP, AdamW) of the shipped bert-mini shape, tokens/s,
//    today's path against the wasm kernels and threads (see below).
// 5. The same step on every core two ways: wasm threads in one process, or gradient workers (data
//    parallelism), for bert-mini's shape and the 4×256 one.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { backendName, batchToElmoCharIds, crossEntropy, dense, elmoLmLoss, elmoVariables, initElmoWeights, parseElmoOptions, Rng, setFusedKernelsEnabled, Trainer } from '@wb/core';
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

{
  const options = parseElmoOptions(
    {
      lstm: { dim: 512, projection_dim: 128, n_layers: 2, cell_clip: 3, proj_clip: 3, use_skip_connections: true },
      char_cnn: { embedding: { dim: 16 }, filters: [[1, 32], [2, 32], [3, 64], [4, 128], [5, 128]], n_highway: 1, n_characters: 262, max_characters_per_token: 50, activation: 'relu' },
      n_tokens_vocab: 20000,
    },
    'bench',
  );
  const rng = new Rng(3);
  const words = Array.from({ length: 64 }, () => Array.from({ length: 14 + rng.int(7) }, () => `w${rng.int(3000)}`));
  const chars = batchToElmoCharIds(words);
  const batch = { charIds: tf.tensor3d(chars.ids, chars.shape, 'int32'), wordIds: words.map((s) => s.map(() => 3 + rng.int(19000))), wordChars: chars.wordChars };
  const tokens = words.reduce((n, s) => n + s.length, 0);
  const run = () => {
    const params = elmoVariables(initElmoWeights(options, { seed: 0, vocabSize: 20000 }));
    const lossOptions = { bosId: 0, eosId: 1, softmax: 'sampled', numSampled: 1024, seed: 1 };
    const trainer = new Trainer({ params, lossFn: (b) => ({ loss: elmoLmLoss(params, options, b, lossOptions) }), nextBatch: () => ({ batch, tokens }), totalSteps: 10, learningRate: 1e-3, warmupSteps: 1, maxGradNorm: 1, seed: 1, adamw: { weightDecay: 0 } });
    const losses = [];
    const seconds = time(() => losses.push(trainer.step().loss), 3);
    tf.dispose(Object.values(params));
    return { seconds, losses };
  };
  const ours = run();
  setFusedKernelsEnabled(false);
  const stock = run();
  setFusedKernelsEnabled(true);
  console.log(
    JSON.stringify({
      bench: 'train',
      case: 'elmo-mini pretraining step, 64 sentences',
      backend: backendName(),
      kernels_s: +ours.seconds.toFixed(2),
      tfjs_stock_s: +stock.seconds.toFixed(2),
      words_per_s: Math.round(tokens / ours.seconds),
      speedup: +(stock.seconds / ours.seconds).toFixed(2),
      losses_agree: ours.losses.every((loss, i) => Math.abs(loss - stock.losses[i]) <= 1e-4 * Math.abs(stock.losses[i])),
    }),
  );
  batch.charIds.dispose();
}

// 4. The bert-mini training step on a fixed full batch, each configuration in its own process:
//    "today" is one thread on tfjs' stock kernels (the workbench before its wasm kernels and threads),
//    then the wasm kernels on one thread and on every core. The losses must agree.
const cores = defaultThreadCount();
const configurations = [[1, 'stock'], [1, 'kernels'], ...(cores > 1 ? [[cores, 'kernels']] : [])];
function trainStep(...args) {
  const child = spawnSync(process.execPath, [join(here, 'lib', 'train-step.mjs'), ...args.map(String)], { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`train-step ${args.join(' ')} failed:\n${child.stderr}`);
  const line = JSON.parse(child.stdout.trim().split('\n').at(-1));
  console.log(JSON.stringify(line));
  return line;
}
const results = configurations.map(([threads, mode]) => trainStep(threads, mode));
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

// 5. Data parallelism: the same update (the batch as one micro-batch per core) computed by one
//    process on every core's wasm threads, against this process on one thread plus a gradient worker
//    on each other core. The losses must be equal to the bit.
if (cores > 1) {
  for (const shape of ['mini', 'wide']) {
    const threaded = trainStep(cores, 'kernels', 0, shape, cores);
    const parallel = trainStep(1, 'kernels', cores - 1, shape, cores);
    console.log(
      JSON.stringify({
        bench: 'train-step',
        shape: threaded.shape,
        ratio: `this thread + ${cores - 1} gradient worker(s), one wasm thread each, vs one process on ${cores} wasm threads`,
        speedup: +(threaded.seconds_per_step / parallel.seconds_per_step).toFixed(2),
        losses_equal: parallel.losses.every((loss, i) => loss === threaded.losses[i]),
      }),
    );
  }
}
trainPeers({ ours: ours.at(-1).tokens_per_s });
