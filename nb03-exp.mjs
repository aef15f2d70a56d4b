import { initBackend } from '@wb/core';
import { loadBert, shippedModelPath, sharedPath } from '@wb/core/node';
import { prepareClassificationTask, readSst2, runFinetuning } from '@wb/tasks/node';
await initBackend();
const bert = await loadBert(shippedModelPath('bert-mini'));
const train = readSst2(sharedPath('data', 'sst2', 'train.tsv'));
const dev = readSst2(sharedPath('data', 'sst2', 'dev.tsv'));
const configs = JSON.parse(process.argv[2]);
for (const c of configs) {
  const settings = { epochs: 1, lr: 2e-4, batchSize: 32, maxLength: 64, freeze: 0, seed: 3, warmupRatio: 0.1, weightDecay: 0.01, maxGradNorm: 1, evalBatchSize: 64, ...c.settings };
  const examples = train.examples.slice(0, c.n);
  const task = prepareClassificationTask('sst2', bert, { train: examples, dev: dev.examples, labelNames: train.labelNames }, { ...settings, pooling: c.pooling });
  const losses = [];
  const t = performance.now();
  const result = await runFinetuning(bert, task, settings, { onStep: (r) => losses.push(r.loss) });
  const k = Math.max(1, Math.floor(losses.length / 5));
  const chunks = []; for (let i = 0; i < losses.length; i += k) chunks.push((losses.slice(i, i + k).reduce((a, b) => a + b, 0) / losses.slice(i, i + k).length).toFixed(3));
  console.log(JSON.stringify(c), 'steps', losses.length, 'loss by fifth', chunks.join(' '), 'dev', result.epochs.map((e) => e.metrics.accuracy.toFixed(3)).join(','), 'secs', ((performance.now() - t) / 1000).toFixed(0));
  for (const v of Object.values(result.params)) v.dispose();
}
