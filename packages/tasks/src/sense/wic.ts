/**
 * WiC with contextual embeddings, as the WiC paper scores them (Pilehvar & Camacho-Collados
 * 2019, §4): the cosine similarity of the target word's vectors in the two sentences, and a
 * threshold chosen on the training split. Every layer is tried, and "mix" (the average of all
 * layers' vectors); unless a layer is asked for, the one with the best training accuracy is used.
 * Accuracies are fractions in [0, 1].
 */
import { cosineSimilarity, type ContextualEmbedder, type WordPooling } from '@wb/core';
import type { WicExample } from '../readers/wic.js';
import { embedTargets } from './target-vectors.js';
import { fitThreshold, thresholdAccuracy } from './threshold.js';

/** A layer index (0 = input layer) or the average of all layers. */
export type LayerChoice = number | 'mix';

export interface WicOptions {
  /** Use this layer instead of the best one on the training split. */
  layer?: LayerChoice;
  pooling?: WordPooling;
  batchSize?: number;
  /** Called with the number of sentences embedded since the last call. */
  onProgress?: (sentences: number) => void;
}

export interface WicLayerResult {
  layer: LayerChoice;
  /** Threshold fit on the training split, and the accuracy it reaches there. */
  threshold: number;
  trainAccuracy: number;
  /** Accuracy on the evaluated split with that threshold. */
  accuracy: number;
}

export interface WicResult {
  /** Accuracy in [0, 1] on the evaluated split, with the chosen layer and its threshold. */
  accuracy: number;
  threshold: number;
  layer: LayerChoice;
  /** Examples in the evaluated split. */
  n: number;
  /** Every layer, then "mix". */
  layers: WicLayerResult[];
}

/** Similarities per layer choice: `[layer 0, ..., top, mix][example]`. */
type WicSimilarities = Float64Array[];

/** Pairs embedded per step: both sentences of a pair go together, and vectors are dropped once scored. */
const PAIRS_PER_STEP = 512;

/** The cosine similarity of each example's two target vectors, in every layer and in the layer average. */
async function wicSimilarities(
  embedder: ContextualEmbedder,
  examples: readonly WicExample[],
  options: Omit<WicOptions, 'layer'> = {},
): Promise<WicSimilarities> {
  const similarities = Array.from({ length: embedder.numLayers + 1 }, () => new Float64Array(examples.length));
  for (let from = 0; from < examples.length; from += PAIRS_PER_STEP) {
    const step = examples.slice(from, from + PAIRS_PER_STEP);
    const items = step.flatMap((e) => [
      { words: e.sentences[0], target: e.targets[0] },
      { words: e.sentences[1], target: e.targets[1] },
    ]);
    const vectors = await embedTargets(embedder, items, {
      batchSize: options.batchSize,
      pooling: options.pooling,
      onBatch: options.onProgress,
    });
    step.forEach((_, i) => {
      const [a, b] = [vectors[2 * i], vectors[2 * i + 1]];
      for (let l = 0; l < embedder.numLayers; l++) similarities[l][from + i] = cosineSimilarity(a[l], b[l]);
      similarities[embedder.numLayers][from + i] = cosineSimilarity(layerAverage(a), layerAverage(b));
    });
  }
  return similarities;
}

/** Thresholds (and the layer, unless given) from the training similarities, applied to the evaluated split. */
function scoreWic(
  train: { similarities: WicSimilarities; labels: readonly boolean[] },
  test: { similarities: WicSimilarities; labels: readonly boolean[] },
  layer?: LayerChoice,
): WicResult {
  const numLayers = train.similarities.length - 1;
  const names: LayerChoice[] = [...Array.from({ length: numLayers }, (_, l) => l), 'mix'];
  const layers = names.map((name, v): WicLayerResult => {
    const fit = fitThreshold(train.similarities[v], train.labels);
    return {
      layer: name,
      threshold: fit.threshold,
      trainAccuracy: fit.accuracy,
      accuracy: thresholdAccuracy(test.similarities[v], test.labels, fit.threshold),
    };
  });
  let chosen: WicLayerResult;
  if (layer === undefined) {
    // The best training accuracy; the lower layer on ties (mix last).
    chosen = layers.reduce((best, r) => (r.trainAccuracy > best.trainAccuracy ? r : best));
  } else {
    const found = layers.find((r) => r.layer === layer);
    if (!found) throw new Error(`layer ${layer} does not exist: the model has layers 0..${numLayers - 1} (or "mix")`);
    chosen = found;
  }
  return { accuracy: chosen.accuracy, threshold: chosen.threshold, layer: chosen.layer, n: test.labels.length, layers };
}

/** Embeds the training and evaluated splits and scores the evaluated one. */
export async function evaluateWic(
  embedder: ContextualEmbedder,
  train: readonly WicExample[],
  test: readonly WicExample[],
  options: WicOptions = {},
): Promise<WicResult> {
  if (typeof options.layer === 'number' && !(Number.isInteger(options.layer) && options.layer >= 0 && options.layer < embedder.numLayers)) {
    // Fail before hours of embedding, not after.
    throw new Error(`layer ${options.layer} does not exist: the model has layers 0..${embedder.numLayers - 1} (or "mix")`);
  }
  const labelsOf = (examples: readonly WicExample[], name: string) =>
    examples.map((e) => {
      if (e.label === undefined) throw new Error(`${name} example on line ${e.line} has no gold label`);
      return e.label;
    });
  const trainLabels = labelsOf(train, 'training');
  const testLabels = labelsOf(test, 'evaluated');
  const trainSimilarities = await wicSimilarities(embedder, train, options);
  const testSimilarities = await wicSimilarities(embedder, test, options);
  return scoreWic(
    { similarities: trainSimilarities, labels: trainLabels },
    { similarities: testSimilarities, labels: testLabels },
    options.layer,
  );
}

function layerAverage(layers: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(layers[0].length);
  for (const v of layers) for (let d = 0; d < out.length; d++) out[d] += v[d];
  for (let d = 0; d < out.length; d++) out[d] /= layers.length;
  return out;
}
