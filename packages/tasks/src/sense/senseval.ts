/**
 * Sense classification by k-NN over contextual vectors (Wiedemann et al. 2019, "Does BERT make
 * any sense?"), on Senseval-style lexical samples: for each word, k-fold cross-validation of
 * k-NN on the target word's vector, layer by layer, next to two baselines computed on the same
 * folds: the most frequent sense of the training folds (MFS) and k-NN on the model's static,
 * context-free vector of the word form. Accuracies are fractions in [0, 1].
 */
import { deriveSeed, type ContextualEmbedder, type WordPooling } from '@wb/core';
import type { SensevalInstance } from '../readers/senseval.js';
import { kFolds, type FoldSplit } from './folds.js';
import { cosineMatrix, knnPredict } from './knn.js';
import { staticVectors } from './static-vectors.js';
import { embedTargets } from './target-vectors.js';

export interface SensevalOptions {
  /** Neighbours that vote (default 1). */
  k?: number;
  /** Cross-validation folds (default 5). */
  folds?: number;
  /** Seed of the fold shuffle (default 0); each word shuffles with a seed derived from it and its name. */
  seed?: number;
  /** Evaluate this layer only (the others are reported as null). */
  layer?: number;
  pooling?: WordPooling;
  batchSize?: number;
  /** Called with the number of sentences embedded since the last call. */
  onProgress?: (sentences: number) => void;
}

export interface SensevalWordResult {
  /** Instances, and distinct senses among them. */
  n: number;
  senses: number;
  mfs: number;
  static: number;
  /** k-NN accuracy per layer (0 = input layer); null for layers not evaluated. */
  layers: Array<number | null>;
  /** The layer with the highest accuracy here (chosen on these same folds, so optimistic). */
  best: { layer: number; accuracy: number };
}

export interface SensevalResult {
  k: number;
  folds: number;
  seed: number;
  words: Record<string, SensevalWordResult>;
  /**
   * Unweighted means over words. `best` is the single layer with the highest mean, not the mean
   * of each word's best layer.
   */
  macro: { mfs: number; static: number; layers: Array<number | null>; best: { layer: number; accuracy: number } };
}

/** Cross-validated k-NN accuracy: every instance is predicted once, from the folds it is not in. */
export async function knnCrossValidate(vectors: readonly Float32Array[], senses: readonly string[], folds: readonly FoldSplit[], k: number): Promise<number> {
  let correct = 0;
  for (const { train, test } of folds) {
    const similarities = await cosineMatrix(
      test.map((i) => vectors[i]),
      train.map((i) => vectors[i]),
    );
    const predicted = knnPredict(similarities, train.map((i) => senses[i]), k);
    predicted.forEach((sense, j) => {
      if (sense === senses[test[j]]) correct++;
    });
  }
  return correct / senses.length;
}

/** Most-frequent-sense accuracy, the sense counted on each fold's training part (ties: alphabetical first). */
export function mfsCrossValidate(senses: readonly string[], folds: readonly FoldSplit[]): number {
  let correct = 0;
  for (const { train, test } of folds) {
    const counts = new Map<string, number>();
    for (const i of train) counts.set(senses[i], (counts.get(senses[i]) ?? 0) + 1);
    const [mfs] = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0];
    for (const i of test) if (senses[i] === mfs) correct++;
  }
  return correct / senses.length;
}

/** One word's instances: embed the targets once, then cross-validate every layer and the baselines. */
export async function evaluateSensevalWord(
  embedder: ContextualEmbedder,
  word: string,
  instances: readonly SensevalInstance[],
  options: SensevalOptions = {},
): Promise<SensevalWordResult> {
  const k = options.k ?? 1;
  const seed = options.seed ?? 0;
  const folds = kFolds(instances.length, options.folds ?? 5, deriveSeed(seed, stringHash(word)));
  const senses = instances.map((instance) => instance.sense);
  const contextual = await embedTargets(embedder, instances, {
    batchSize: options.batchSize,
    pooling: options.pooling,
    onBatch: options.onProgress,
  });
  const forms = await staticVectors(
    embedder,
    instances.map((instance) => instance.words[instance.target]),
  );
  const layers: Array<number | null> = [];
  for (let l = 0; l < embedder.numLayers; l++) {
    layers.push(
      options.layer === undefined || options.layer === l
        ? await knnCrossValidate(
            contextual.map((v) => v[l]),
            senses,
            folds,
            k,
          )
        : null,
    );
  }
  return {
    n: instances.length,
    senses: new Set(senses).size,
    mfs: mfsCrossValidate(senses, folds),
    static: await knnCrossValidate(
      instances.map((instance) => forms.get(instance.words[instance.target])!),
      senses,
      folds,
      k,
    ),
    layers,
    best: bestLayer(layers),
  };
}

/** Every word of a Senseval folder (word → instances), then the macro average. */
export async function evaluateSenseval(
  embedder: ContextualEmbedder,
  data: Record<string, readonly SensevalInstance[]>,
  options: SensevalOptions = {},
): Promise<SensevalResult> {
  if (options.layer !== undefined && !(Number.isInteger(options.layer) && options.layer >= 0 && options.layer < embedder.numLayers)) {
    throw new Error(`layer ${options.layer} does not exist: the model has layers 0..${embedder.numLayers - 1}`);
  }
  const words: Record<string, SensevalWordResult> = {};
  for (const [word, instances] of Object.entries(data)) {
    try {
      words[word] = await evaluateSensevalWord(embedder, word, instances, options);
    } catch (error) {
      throw new Error(`${word}: ${(error as Error).message}`, { cause: error });
    }
  }
  const results = Object.values(words);
  if (results.length === 0) throw new Error('no Senseval words to evaluate');
  const mean = (pick: (r: SensevalWordResult) => number) => results.reduce((sum, r) => sum + pick(r), 0) / results.length;
  const layers = results[0].layers.map((value, l) => (value === null ? null : mean((r) => r.layers[l]!)));
  return {
    k: options.k ?? 1,
    folds: options.folds ?? 5,
    seed: options.seed ?? 0,
    words,
    macro: { mfs: mean((r) => r.mfs), static: mean((r) => r.static), layers, best: bestLayer(layers) },
  };
}

/** The evaluated layer with the highest accuracy (the lower one on ties). */
function bestLayer(layers: ReadonlyArray<number | null>): { layer: number; accuracy: number } {
  let best = { layer: -1, accuracy: -Infinity };
  layers.forEach((accuracy, layer) => {
    if (accuracy !== null && accuracy > best.accuracy) best = { layer, accuracy };
  });
  return best;
}

/** FNV-1a: a stable 32-bit number for a word, so each word's shuffle is its own and repeatable. */
function stringHash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}
