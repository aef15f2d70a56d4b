#!/usr/bin/env node
/**
 * The sense gap of an ELMo's layers and of each half of them: the first half of a biLM layer's vector
 * is the forward LSTM's (it has read the words before the target and the target), the second the
 * backward LSTM's. Reads `wb embed --all-layers` output for a sense-gap set and the set itself:
 *
 *   npx wb embed --model models/elmo-mini --input packages/tasks/data/sense-gap-dev.jsonl --output elmo.jsonl --all-layers
 *   node scripts/elmo-halves-gap.mjs elmo.jsonl packages/tasks/data/sense-gap-dev.jsonl
 *
 * The gap is `wb eval sense-gap`'s: per word, the mean cosine of same-sense pairs of its uses minus
 * that of other-sense pairs, averaged over the words (a word's vector: the mean of the tokens its
 * characters cover).
 */
import { readFileSync } from 'node:fs';

const [embedFile, setFile] = process.argv.slice(2);
const lines = (file) => readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
const rows = lines(embedFile);
const items = lines(setFile);
if (rows.length !== items.length) throw new Error(`${embedFile} has ${rows.length} lines, ${setFile} ${items.length}`);

function wordVector(row, item, layer) {
  const picked = row.offsets.flatMap(([start, end], i) => (start < item.end && end > item.start ? [row.layers[layer][i]] : []));
  return picked[0].map((_, d) => picked.reduce((sum, v) => sum + v[d], 0) / picked.length);
}
const cosine = (a, b) => {
  let dot = 0, aa = 0, bb = 0;
  a.forEach((x, i) => ((dot += x * b[i]), (aa += x * x), (bb += b[i] * b[i])));
  return dot / Math.sqrt(aa * bb);
};
const mean = (xs) => xs.reduce((s, x) => s + x, 0) / xs.length;

const words = [...new Set(items.map((item) => item.word))];
for (let layer = 1; layer < rows[0].layers.length; layer++) {
  const vectors = rows.map((row, i) => wordVector(row, items[i], layer));
  const half = vectors[0].length / 2;
  const parts = { whole: (v) => v, forward: (v) => v.slice(0, half), backward: (v) => v.slice(half) };
  const report = Object.entries(parts).map(([name, part]) => {
    const gaps = words.map((word) => {
      const uses = items.flatMap((item, i) => (item.word === word ? [{ sense: item.sense, v: part(vectors[i]) }] : []));
      const same = [];
      const other = [];
      uses.forEach((a, i) => uses.slice(i + 1).forEach((b) => (a.sense === b.sense ? same : other).push(cosine(a.v, b.v))));
      return mean(same) - mean(other);
    });
    return `${name} ${mean(gaps).toFixed(4)} (${gaps.filter((g) => g > 0).length}/${words.length} positive)`;
  });
  console.log(`layer ${layer}: ${report.join(', ')}`);
}
