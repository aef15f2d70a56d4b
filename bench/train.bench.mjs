// Training throughput on the Node wasm backend.
// 1. One linear layer forward + backward: core's `dense` (explicit transposes in the gradient) against
//    tfjs's own fused matMul gradient (transposeA/transposeB matmuls), same shapes, same run.
// 2. A whole BERT pretraining step (MLM + NSP, AdamW) of the shipped bert-mini shape, tokens/s.
import * as tf from '@tensorflow/tfjs-core';
import {
  BERT_DEFAULTS,
  BertPretrainingData,
  Rng,
  Trainer,
  backendName,
  bertPretrainingLoss,
  dense,
  initBackend,
  initBertWeights,
} from '@wb/core';

await initBackend();

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
  const config = { ...BERT_DEFAULTS, vocabSize: 8000, hiddenSize: 128, numHiddenLayers: 4, numAttentionHeads: 2, intermediateSize: 512, maxPositionEmbeddings: 128 };
  const rng = new Rng(1);
  const documents = Array.from({ length: 50 }, () =>
    Array.from({ length: 30 }, () => Array.from({ length: 8 + rng.int(20) }, () => 5 + rng.int(7995))),
  );
  const data = new BertPretrainingData(documents, { cls: 2, sep: 3, mask: 4, pad: 0, firstRegular: 5, vocabSize: 8000 }, { maxLength: 128 });
  const weights = initBertWeights(config, undefined, 1);
  const params = Object.fromEntries(Object.entries(weights).map(([name, t]) => [name, tf.variable(t)]));
  let tokens = 0;
  const trainer = new Trainer({
    params,
    lossFn: (batch) => bertPretrainingLoss(params, config, batch),
    nextBatch: (r) => {
      const batch = data.batch(r, 32);
      return { batch, tokens: batch.tokens };
    },
    totalSteps: 100,
    learningRate: 1e-3,
    warmupSteps: 10,
    maxGradNorm: 1,
    seed: 1,
  });
  const seconds = time(() => (tokens = trainer.step().tokens), 3);
  console.log(
    JSON.stringify({
      bench: 'train',
      case: 'bert-mini pretraining step (4x128, batch 32 x 128, MLM+NSP, AdamW)',
      backend: backendName(),
      seconds_per_step: +seconds.toFixed(2),
      tokens_per_s: +(tokens / seconds).toFixed(0),
    }),
  );
}
