/** Sentence vectors, the feature-extraction + logistic-regression probe, and similarity search, on a tiny random BERT. */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { bertForward, initBackend, type BertWeights, type LanguageModel } from '@wb/core';
import { fitLogisticRegression, probeWithLogisticRegression, sentenceVectors, SimilarityIndex, trainTestSplit } from '../src/index.js';
import { tinyConfig, tinyTokenizer, tinyWeights } from './support/tiny-random-bert.js';

const config = tinyConfig({ initializerRange: 0.2 });
const tokenizer = tinyTokenizer();
let model: { config: typeof config; weights: BertWeights; tokenizer: typeof tokenizer };

beforeAll(async () => {
  await initBackend('wasm');
  model = { config, weights: tinyWeights(config), tokenizer };
});

describe('sentenceVectors', () => {
  it('gives the [CLS] state or the masked mean, the same whatever the batch and its padding', async () => {
    const texts = ['the film is very very good', 'bad', 'paris and berlin'];
    const cls = await sentenceVectors(model, texts, { batchSize: 2 });
    const alone = await sentenceVectors(model, [texts[1]]);
    for (let d = 0; d < config.hiddenSize; d++) expect(cls[1][d]).toBeCloseTo(alone[0][d], 5);
    // Against a direct forward pass of one text.
    const e = tokenizer.encode(texts[2]);
    const hidden = tf.tidy(() => bertForward(model.weights, config, { inputIds: tf.tensor2d([e.ids], undefined, 'int32') }).lastHiddenState);
    const states = (await hidden.array()) as number[][][];
    hidden.dispose();
    for (let d = 0; d < config.hiddenSize; d++) expect(cls[2][d]).toBeCloseTo(states[0][0][d], 5);
    const [mean] = await sentenceVectors(model, [texts[2]], { pooling: 'mean' });
    for (let d = 0; d < config.hiddenSize; d++) {
      expect(mean[d]).toBeCloseTo(states[0].reduce((s, row) => s + row[d], 0) / states[0].length, 5);
    }
    // Layer 0 is the embeddings output.
    const [layer0] = await sentenceVectors(model, [texts[2]], { layer: 0 });
    expect(layer0).not.toEqual(cls[2]);
  });
});

describe('probeWithLogisticRegression', () => {
  /** Held-out accuracy of this tiny random BERT's probe (9 of 10 right), as the recipe by hand also gives. */
  const PROBE_ACCURACY = 0.9;

  it('fits on a seeded 75/25 split and scores the held-out part, reproducibly', async () => {
    const examples = Array.from({ length: 40 }, (_, i) => ({
      text: i % 2 ? `the film is ${['good', 'great', 'very good', 'good and great'][i % 4]}` : `the film is ${['bad', 'awful', 'very bad', 'bad and awful'][i % 4]}`,
      // A few labels flipped, so the held-out score depends on which rows are held out.
      label: [3, 22].includes(i) ? 1 - (i % 2) : i % 2,
    }));
    const first = await probeWithLogisticRegression(model, examples, { seed: 3 });
    expect(first.trainN).toBe(30);
    expect(first.testN).toBe(10);
    // The same recipe by hand: the seeded split, [CLS] vectors, a fit on the 30, predictions on the other 10.
    const { train, test } = trainTestSplit(examples.length, 0.25, 3);
    const vectors = await sentenceVectors(model, examples.map((e) => e.text));
    const classifier = fitLogisticRegression(train.map((i) => vectors[i]), train.map((i) => examples[i].label));
    const predicted = classifier.predict(test.map((i) => vectors[i]));
    const right = test.filter((i, k) => predicted[k] === examples[i].label).length;
    expect(first.accuracy).toBe(right / 10);
    expect(first.accuracy).toBe(PROBE_ACCURACY);
    expect(first.trainAccuracy).toBeGreaterThan(0.9); // the words differ, so do the vectors
    const again = await probeWithLogisticRegression(model, examples, { seed: 3 });
    expect(again.accuracy).toBe(first.accuracy);
    // What it read, defaults filled in: the top layer's [CLS] state.
    expect(first.recipe).toEqual({ pooling: 'cls', layer: config.numHiddenLayers });
    expect((await probeWithLogisticRegression(model, examples, { seed: 3, pooling: 'mean', layer: 1 })).recipe).toEqual({ pooling: 'mean', layer: 1 });
  });

  it('says which models give no sentence vectors, and that only ELMo averages layers', async () => {
    const gpt2 = { family: 'gpt2', objective: 'causal-lm' } as unknown as LanguageModel;
    await expect(probeWithLogisticRegression(gpt2, [])).rejects.toThrow('probe: this gpt2 model gives no sentence vectors here; use an encoder (BERT, DistilBERT, RoBERTa, ALBERT) or an ELMo folder');
    await expect(probeWithLogisticRegression(model, [{ text: 'good', label: 1 }], { averageLayers: true })).rejects.toThrow(/only an ELMo averages its layers/);
  });
});

describe('SimilarityIndex', () => {
  it('ranks a collection by cosine similarity to the query, best first', async () => {
    const texts = ['the film is good', 'paris and berlin', 'she went to paris', 'the film is bad'];
    const index = await SimilarityIndex.build(model, texts);
    const hits = await index.search('paris and berlin', 3);
    expect(hits).toHaveLength(3);
    expect(hits[0]).toMatchObject({ index: 1, text: 'paris and berlin' });
    expect(hits[0].score).toBeCloseTo(1, 5);
    expect(hits[1].score).toBeLessThanOrEqual(hits[0].score);
    expect(hits[2].score).toBeLessThanOrEqual(hits[1].score);
    expect(() => index.searchVector([1, 2, 3])).toThrow(/3 dimensions, the collection 16/);
  });
});
