// BERT encoder throughput (tokens/s) on the Node wasm backend, random weights:
// BERT-base (12×768) at batch 8 × 128 and a mini shape (4×256) at batch 32 × 128.
import * as tf from '@tensorflow/tfjs-core';
import { BERT_DEFAULTS, backendName, bertForward, initBertWeights } from '@wb/core';
import { initNodeBackend } from '@wb/core/node';
import { encoderPeers } from './peers/encoder-peers.mjs';

const SHAPES = [
  { name: 'bert-base', layers: 12, hidden: 768, heads: 12, intermediate: 3072, batch: 8, seq: 128, runs: 2 },
  { name: 'mini', layers: 4, hidden: 256, heads: 4, intermediate: 1024, batch: 32, seq: 128, runs: 3 },
];

// Every core (WB_THREADS overrides) and the workbench's wasm kernels, as the `wb` commands run.
const { threads } = await initNodeBackend();
for (const shape of SHAPES) {
  const config = {
    ...BERT_DEFAULTS,
    numHiddenLayers: shape.layers,
    hiddenSize: shape.hidden,
    numAttentionHeads: shape.heads,
    intermediateSize: shape.intermediate,
  };
  const weights = initBertWeights(config, { pooler: true });
  const inputIds = tf.randomUniform([shape.batch, shape.seq], 1000, 20000, 'int32');
  const attentionMask = tf.ones([shape.batch, shape.seq]);
  const forward = () => {
    const out = bertForward(weights, config, { inputIds, attentionMask });
    out.lastHiddenState.dataSync();
    tf.dispose(out);
  };
  forward(); // warm-up: compiles kernels, allocates buffers
  const start = performance.now();
  for (let r = 0; r < shape.runs; r++) forward();
  const seconds = (performance.now() - start) / 1000 / shape.runs;
  console.log(
    JSON.stringify({
      bench: 'encoder',
      shape: shape.name,
      layers: shape.layers,
      hidden: shape.hidden,
      batch: shape.batch,
      seq: shape.seq,
      engine: 'tfjs',
      backend: backendName(),
      threads,
      seconds_per_batch: +seconds.toFixed(3),
      tokens_per_s: +((shape.batch * shape.seq) / seconds).toFixed(1),
    }),
  );
  await encoderPeers({ shape, config, weights, ours: (shape.batch * shape.seq) / seconds });
  tf.dispose([inputIds, attentionMask, ...Object.values(weights)]);
}
