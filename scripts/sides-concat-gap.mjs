#!/usr/bin/env node
/**
 * What an ELMo could reach if each of its directions read its side of a word as well as a given
 * bidirectional model does. An ELMo layer's vector is [forward; backward]: the forward LSTM at the
 * target has read the words up to it, the backward LSTM the words from it on. This script takes one
 * model's vectors of the same sense-gap set cut to each side (`scripts/sense-gap-sides.mjs`) and
 * prints, per layer, the sense gap of the left-side vectors, of the right-side ones and of the two
 * concatenated, which is such an ELMo's vector:
 *
 *   for side in left right; do
 *     node scripts/sense-gap-sides.mjs $side packages/tasks/data/sense-gap-dev.jsonl > $side.jsonl
 *     npx wb embed --model models/bert-mini --input $side.jsonl --output bert-$side.jsonl --all-layers
 *   done
 *   node scripts/sides-concat-gap.mjs left.jsonl bert-left.jsonl right.jsonl bert-right.jsonl
 *
 * The gap is `wb eval sense-gap`'s (a word's vector: the mean of the tokens its characters cover).
 */
import { readFileSync } from 'node:fs';
import { meanOfRows, tokensInSpan } from '@wb/core';
import { senseGaps } from '@wb/tasks';

const [leftSet, leftEmbeddings, rightSet, rightEmbeddings] = process.argv.slice(2);
if (!rightEmbeddings) {
  console.error('usage: node scripts/sides-concat-gap.mjs LEFT_SET LEFT_EMBEDDINGS RIGHT_SET RIGHT_EMBEDDINGS');
  process.exit(1);
}
const jsonLines = (file) => readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));

/** Each item's word vector in every layer of one `wb embed --all-layers` file. */
function wordVectors(setFile, embedFile) {
  const items = jsonLines(setFile);
  const rows = jsonLines(embedFile);
  if (rows.length !== items.length) throw new Error(`${embedFile} has ${rows.length} lines, ${setFile} ${items.length}`);
  const vectors = rows.map((row, i) => {
    const pieces = tokensInSpan(row.offsets, items[i], items[i].text);
    return (row.hidden_states ?? row.layers).map((layer) => meanOfRows(layer, pieces));
  });
  return { items, vectors };
}

const left = wordVectors(leftSet, leftEmbeddings);
const right = wordVectors(rightSet, rightEmbeddings);
const concatenated = left.vectors.map((layers, i) => layers.map((v, layer) => Float32Array.from([...v, ...right.vectors[i][layer]])));
const gaps = [left.vectors, right.vectors, concatenated].map((vectors) => senseGaps(left.items, vectors).layers);
const show = (layer) => `${layer.gap.toFixed(4)} (${layer.positiveWords}/${layer.words.length} positive)`;
gaps[0].forEach((_, layer) => console.log(`layer ${layer}: left ${show(gaps[0][layer])}, right ${show(gaps[1][layer])}, both concatenated ${show(gaps[2][layer])}`));
