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
import { meanOfRows, tokensInSpan } from '@wb/core';
import { senseGaps } from '@wb/tasks';

const [embedFile, setFile] = process.argv.slice(2);
const lines = (file) => readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
const rows = lines(embedFile);
const items = lines(setFile);
if (rows.length !== items.length) throw new Error(`${embedFile} has ${rows.length} lines, ${setFile} ${items.length}`);

const vectors = rows.map((row, i) => {
  const pieces = tokensInSpan(row.offsets, items[i], items[i].text);
  return row.layers.map((layer) => meanOfRows(layer, pieces));
});
const half = vectors[0][0].length / 2;
const parts = { whole: (v) => v, forward: (v) => v.subarray(0, half), backward: (v) => v.subarray(half) };
const gaps = Object.fromEntries(Object.entries(parts).map(([name, part]) => [name, senseGaps(items, vectors.map((layers) => layers.map(part))).layers]));
for (let layer = 1; layer < vectors[0].length; layer++) {
  const report = Object.entries(gaps).map(([name, layers]) => `${name} ${layers[layer].gap.toFixed(4)} (${layers[layer].positiveWords}/${layers[layer].words.length} positive)`);
  console.log(`layer ${layer}: ${report.join(', ')}`);
}
