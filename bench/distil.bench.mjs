// The shipped student against its teacher: `models/distil-mini` (DistilBERT, half the layers) and
// `models/bert-mini`, each token's last hidden state (as `wb embed`) for the same SST-2 dev sentences
// in batches of 32, on tfjs-wasm and on ONNX Runtime (which runs a DistilBERT as the BERT it maps
// onto), in the same run. Prints tokens/s for each, the student's speed-up on each engine, and
// ONNX Runtime's over tfjs for each model.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { backendName } from '@wb/core';
import { encoderEngineOf, initNodeBackend, loadModel } from '@wb/core/node';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const devFile = join(process.env.WB_SHARED_DIR ?? join(repo, '..', 'shared'), 'data', 'sst2', 'dev.tsv');
if (!existsSync(devFile)) {
  console.log(JSON.stringify({ bench: 'distil', skipped: `${devFile} is missing` }));
  process.exit(0);
}
const sentences = readFileSync(devFile, 'utf8')
  .split('\n')
  .map((line) => line.split('\t')[0])
  .filter((text) => text && text !== 'sentence')
  .slice(0, 512);

const { threads } = await initNodeBackend();
const results = {};
for (const engine of ['tfjs', 'onnxruntime']) {
  for (const name of ['bert-mini', 'distil-mini']) {
    const model = await loadModel(join(repo, 'models', name), { engine, threads });
    const embedAll = async () => {
      let tokens = 0;
      for (let i = 0; i < sentences.length; i += 32) {
        for (const sentence of await model.features(sentences.slice(i, i + 32))) tokens += sentence.tokens.length;
      }
      return tokens;
    };
    await embedAll(); // warm-up: compiles kernels, allocates buffers
    const start = performance.now();
    const tokens = await embedAll();
    const seconds = (performance.now() - start) / 1000;
    results[`${name} ${engine}`] = tokens / seconds;
    console.log(
      JSON.stringify({ bench: 'distil', model: name, engine: encoderEngineOf(model), layers: model.numLayers - 1, sentences: sentences.length, tokens, backend: backendName(), threads, seconds: +seconds.toFixed(2), tokens_per_s: +(tokens / seconds).toFixed(0) }),
    );
    model.dispose();
  }
}
const ratio = (a, b) => +(results[a] / results[b]).toFixed(2);
console.log(
  JSON.stringify({
    bench: 'distil',
    student_speedup_tfjs: ratio('distil-mini tfjs', 'bert-mini tfjs'),
    student_speedup_onnxruntime: ratio('distil-mini onnxruntime', 'bert-mini onnxruntime'),
    onnxruntime_over_tfjs_bert: ratio('bert-mini onnxruntime', 'bert-mini tfjs'),
    onnxruntime_over_tfjs_distil: ratio('distil-mini onnxruntime', 'distil-mini tfjs'),
  }),
);
