/**
 * Sentence vectors and the seed-003 probe on the other encoder families (DistilBERT, RoBERTa), read
 * through their own `encode`: the first token's state or the masked mean, as `features` gives them.
 */
import { beforeAll, expect, it } from 'vitest';
import { EncoderModel, initBackend } from '@wb/core';
import { loadModel } from '@wb/core/node';
import { anySentenceVectors, asSentenceEncoder, fitLogisticRegression, probeWithLogisticRegression, sentenceVectorRecipe, trainTestSplit } from '../src/index.js';
import { describeShared, sharedPath } from '../../../test/support/shared.js';

beforeAll(async () => {
  await initBackend('wasm');
});

for (const family of ['distilbert', 'roberta']) {
  describeShared(['fixtures', `tiny-${family}`], `sentence vectors of a ${family}`, () => {
    it('are the first token state or the token mean of the chosen layer, whatever the batch', async () => {
      const model = await loadModel(sharedPath('fixtures', `tiny-${family}`));
      expect(model).toBeInstanceOf(EncoderModel);
      const encoder = asSentenceEncoder(model, 'probe');
      const texts = ['the film is very very good', 'bad', 'Paris and Berlin, twice: Paris and Berlin'];
      const top = model.numLayers - 1;
      expect(sentenceVectorRecipe(encoder)).toEqual({ pooling: 'cls', layer: top });
      const features = await model.features(texts, { allLayers: true });
      const cls = await anySentenceVectors(encoder, texts, { batchSize: 2 });
      const mean = await anySentenceVectors(encoder, texts, { pooling: 'mean', layer: 1 });
      texts.forEach((_, i) => {
        const last = features[i].hiddenStates[top];
        const first = features[i].hiddenStates[1];
        for (let d = 0; d < model.dim; d++) {
          expect(cls[i][d]).toBeCloseTo(last[0][d], 5);
          expect(mean[i][d]).toBeCloseTo(first.reduce((s, row) => s + row[d], 0) / first.length, 5);
        }
      });
      await expect(anySentenceVectors(encoder, texts, { layer: top + 1 })).rejects.toThrow(`layer must be 0..${top}, got ${top + 1}`);
    });

    it('feed the probe, which scores what the recipe by hand scores', async () => {
      const model = await loadModel(sharedPath('fixtures', `tiny-${family}`));
      const examples = Array.from({ length: 24 }, (_, i) => ({ text: i % 2 ? `good film number ${i}` : `bad film number ${i}`, label: i % 2 }));
      const result = await probeWithLogisticRegression(model, examples, { seed: 1 });
      expect([result.trainN, result.testN]).toEqual([18, 6]);
      expect(result.recipe).toEqual({ pooling: 'cls', layer: model.numLayers - 1 });
      const { train, test } = trainTestSplit(examples.length, 0.25, 1);
      const vectors = await anySentenceVectors(asSentenceEncoder(model), examples.map((e) => e.text));
      const classifier = fitLogisticRegression(train.map((i) => vectors[i]), train.map((i) => examples[i].label));
      const predicted = classifier.predict(test.map((i) => vectors[i]));
      expect(result.accuracy).toBe(test.filter((i, k) => predicted[k] === examples[i].label).length / test.length);
    });
  });
}
