// The shipped student against its teacher: `models/distil-mini` (DistilBERT, half the layers) and
// `models/bert-mini`, each token's last hidden state (as `wb embed`) for the same SST-2 dev sentences
// in batches of 32, on tfjs-wasm, in the same run.
// Prints tokens/s for each and the student's speed-up.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { backendName } from '@wb/core';
import { initNodeBackend, loadModel } from '@wb/core/node';

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
for (const name of ['bert-mini', 'distil-mini']) {
  const model = await loadModel(join(repo, 'models', name), { engine: 'tfjs' });
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
  results[name] = tokens / seconds;
  console.log(
    JSON.stringify({ bench: 'distil', model: name, layers: model.numLayers - 1, sentences: sentences.length, tokens, backend: backendName(), threads, seconds: +seconds.toFixed(2), tokens_per_s: +(tokens / seconds).toFixed(0) }),
  );
}
console.log(JSON.stringify({ bench: 'distil', speedup: +(results['distil-mini'] / results['bert-mini']).toFixed(2) }));
