/**
 * The sense gap: does a layer put two uses of a word in the same sense closer together than
 * two uses in different senses? For each ambiguous word and layer, the mean cosine similarity
 * of its same-sense pairs minus the mean over its other-sense pairs (pairs only within a word);
 * a layer's gap is the mean over the words. A static embedding gives every use of a word the
 * same vector, so its gap is 0 by construction; a positive gap means the layer separates senses.
 */
import { cosineSimilarity } from '@wb/core';

export interface SenseGapWord {
  word: string;
  sameSense: number;
  otherSense: number;
  gap: number;
}

export interface SenseGapLayer {
  layer: number;
  /** Mean of the words' gaps. */
  gap: number;
  /** Words whose gap is above 0. */
  positiveWords: number;
  words: SenseGapWord[];
}

export interface SenseGapResult {
  layers: SenseGapLayer[];
  /** The layer with the largest mean gap (the lowest such layer on a tie). */
  bestLayer: number;
}

/**
 * `vectors[i][layer]` is item i's word vector in that layer. Every word needs two senses and a
 * same-sense pair (two sentences of one sense).
 */
export function senseGaps(items: ReadonlyArray<{ word: string; sense: string }>, vectors: ReadonlyArray<ReadonlyArray<ArrayLike<number>>>): SenseGapResult {
  if (items.length !== vectors.length) throw new Error(`senseGaps: ${items.length} items but ${vectors.length} vector lists`);
  if (items.length === 0) throw new Error('senseGaps: no items');
  const numLayers = vectors[0].length;
  vectors.forEach((layers, i) => {
    if (layers.length !== numLayers) throw new Error(`senseGaps: item ${i} has ${layers.length} layers, item 0 has ${numLayers}`);
  });
  const byWord = new Map<string, number[]>();
  items.forEach(({ word }, i) => byWord.set(word, [...(byWord.get(word) ?? []), i]));

  const layers: SenseGapLayer[] = [];
  for (let layer = 0; layer < numLayers; layer++) {
    const words = [...byWord].map(([word, members]) => wordGap(word, members.map((i) => items[i].sense), members.map((i) => vectors[i][layer])));
    const gap = words.reduce((sum, w) => sum + w.gap, 0) / words.length;
    layers.push({ layer, gap, positiveWords: words.filter((w) => w.gap > 0).length, words });
  }
  const bestLayer = layers.reduce((best, l) => (l.gap > layers[best].gap ? l.layer : best), 0);
  return { layers, bestLayer };
}

/** One word in one layer: mean cosine of same-sense pairs, of other-sense pairs, and their difference. */
export function wordGap(word: string, senses: readonly string[], vectors: ReadonlyArray<ArrayLike<number>>): SenseGapWord {
  let same = 0;
  let nSame = 0;
  let other = 0;
  let nOther = 0;
  for (let i = 0; i < vectors.length; i++) {
    for (let j = i + 1; j < vectors.length; j++) {
      const similarity = cosineSimilarity(vectors[i], vectors[j]);
      if (senses[i] === senses[j]) {
        same += similarity;
        nSame++;
      } else {
        other += similarity;
        nOther++;
      }
    }
  }
  if (nSame === 0 || nOther === 0) {
    const counts = [...new Set(senses)].map((s) => `${s} ×${senses.filter((x) => x === s).length}`).join(', ');
    throw new Error(`sense gap: "${word}" needs two senses and two sentences of one sense; it has ${counts}`);
  }
  return { word, sameSense: same / nSame, otherSense: other / nOther, gap: same / nSame - other / nOther };
}
