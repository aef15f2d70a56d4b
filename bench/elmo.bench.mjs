// ELMo biLM throughput (tokens/s) on the Node wasm backend, random weights, AllenNLP's "small"
// shape (elmo_2x1024_128_2048cnn_1xhighway): char CNN with 2048 filters, 1 highway, two biLSTM layers
// of 1024 cells projected to 128. Sentences of `seq` random words, `batch` at a time.
import * as tf from '@tensorflow/tfjs-core';
import { ElmoModel, backendName, initBackend, initElmoWeights, parseElmoOptions } from '@wb/core';

const SMALL = parseElmoOptions({
  lstm: { dim: 1024, projection_dim: 128, n_layers: 2, cell_clip: 3, proj_clip: 3, use_skip_connections: true },
  char_cnn: {
    activation: 'relu',
    embedding: { dim: 16 },
    filters: [[1, 32], [2, 32], [3, 64], [4, 128], [5, 256], [6, 512], [7, 1024]],
    max_characters_per_token: 50,
    n_characters: 262,
    n_highway: 1,
  },
});
const SHAPES = [{ name: 'small', batch: 16, seq: 20, runs: 3 }];

function randomSentences(batch, seq, seed) {
  let a = seed;
  const random = () => {
    a = (a * 1103515245 + 12345) % 2147483648;
    return a / 2147483648;
  };
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  return Array.from({ length: batch }, () =>
    Array.from({ length: seq }, () => Array.from({ length: 2 + Math.floor(random() * 8) }, () => letters[Math.floor(random() * 26)]).join('')),
  );
}

await initBackend();
const model = new ElmoModel(SMALL, initElmoWeights(SMALL, { seed: 1 }));
for (const shape of SHAPES) {
  const sentences = randomSentences(shape.batch, shape.seq, 7);
  const forward = () => {
    const { layers, mask } = model.run(sentences);
    layers[layers.length - 1].dataSync();
    tf.dispose([...layers, mask]);
  };
  forward(); // warm-up
  const start = performance.now();
  for (let r = 0; r < shape.runs; r++) forward();
  const seconds = (performance.now() - start) / 1000 / shape.runs;
  console.log(
    JSON.stringify({
      bench: 'elmo',
      shape: shape.name,
      batch: shape.batch,
      seq: shape.seq,
      tokens_per_s: +((shape.batch * shape.seq) / seconds).toFixed(1),
      seconds_per_batch: +seconds.toFixed(3),
      backend: backendName(),
    }),
  );
}
model.dispose();
