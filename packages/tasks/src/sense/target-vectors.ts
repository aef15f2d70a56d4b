/**
 * The contextual vectors of one target word per sentence, every layer: the common step of WiC
 * and the sense k-NN. Sentences go to the model as pre-split words, so a dataset's word index is
 * the model's word index; they are sorted by length before batching, so a batch pads to about
 * its own length instead of the longest sentence of the set, and the results come back in the
 * caller's order. Only the target's vectors are kept.
 */
import type { ContextualEmbedder, WordPooling } from '@wb/core';
import { tokenBudget, windowAround } from './window.js';

export interface TargetItem {
  words: readonly string[];
  /** Index of the target in `words`. */
  target: number;
}

export interface EmbedTargetsOptions {
  /** Sentences per model call (default 32). */
  batchSize?: number;
  /** How sub-word pieces become one word vector (BERT; default mean). */
  pooling?: WordPooling;
  /** Called after each batch with the number of sentences it held (for a progress bar). */
  onBatch?: (sentences: number) => void;
}

/** For each item, the target word's vector in every layer (index 0 = input layer). */
export async function embedTargets(
  embedder: ContextualEmbedder,
  items: readonly TargetItem[],
  options: EmbedTargetsOptions = {},
): Promise<Float32Array[][]> {
  const batchSize = Math.max(1, options.batchSize ?? 32);
  const budget = tokenBudget(embedder);
  // Long sentences are cut to a window around the target that fits the model's positions.
  const prepared = items.map((item, i) => {
    if (!Number.isInteger(item.target) || item.target < 0 || item.target >= item.words.length) {
      throw new Error(`item ${i}: target ${item.target} is outside its ${item.words.length} words`);
    }
    if (!budget) return { words: item.words as string[], target: item.target, cost: item.words.length };
    const costs = budget.tokensPerWord(item.words);
    const { start, end } = windowAround(costs, item.target, budget.maxTokens);
    const cost = costs.slice(start, end).reduce((a, b) => a + b, 0);
    return { words: item.words.slice(start, end), target: item.target - start, cost };
  });
  const order = prepared.map((_, i) => i).sort((a, b) => prepared[a].cost - prepared[b].cost || a - b);
  const vectors: Float32Array[][] = new Array(items.length);
  for (let b = 0; b < order.length; b += batchSize) {
    const batch = order.slice(b, b + batchSize);
    const sentences = await embedder.embed(
      batch.map((i) => prepared[i].words),
      { batchSize, pooling: options.pooling },
    );
    batch.forEach((i, j) => {
      const { words, target } = prepared[i];
      const got = sentences[j].words;
      if (got.length !== words.length) {
        throw new Error(`item ${i}: the model returned ${got.length} words for ${words.length} pre-split words`);
      }
      vectors[i] = got[target].layers;
    });
    options.onBatch?.(batch.length);
  }
  return vectors;
}
