/**
 * The static baseline of every encoder family: the mean of the word's rows of the input
 * word-embedding table, for the tokens the word gets in the middle of a sentence.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, expect, it } from 'vitest';
import { EncoderModel, initBackend } from '@wb/core';
import { loadModel } from '@wb/core/node';
import { staticVectors } from '../src/index.js';
import { describeShared, sharedPath } from '../../../test/support/shared.js';

beforeAll(async () => {
  await initBackend('wasm');
});

for (const family of ['bert', 'distilbert', 'roberta', 'albert']) {
  describeShared(['fixtures', `tiny-${family}`], `static vectors of a ${family}`, () => {
    it("are the mean of the table rows of the word's tokens mid-sentence, one per form", async () => {
      const model = await loadModel(sharedPath('fixtures', `tiny-${family}`));
      if (!(model instanceof EncoderModel)) throw new Error(`tiny-${family} did not load as an encoder`);
      const sentence = 'They sat on the riverbank by the bank.';
      const start = sentence.lastIndexOf('bank');
      const encoding = model.tokenizer.encode(sentence);
      const ids = encoding.ids.filter((_, t) => encoding.offsets[t][0] >= start && encoding.offsets[t][1] <= start + 4 && encoding.offsets[t][1] > encoding.offsets[t][0]);
      expect(ids.length).toBeGreaterThan(0);
      const expected = tf.tidy(() => tf.mean(tf.gather(model.wordEmbeddings, tf.tensor1d(ids, 'int32')), 0)).dataSync();

      const vectors = await staticVectors(model, ['bank', 'riverbank', 'bank']);
      expect([...vectors.keys()]).toEqual(['bank', 'riverbank']);
      const bank = vectors.get('bank')!;
      expect(bank.length).toBe(model.wordEmbeddings.shape[1]);
      bank.forEach((v, d) => expect(v).toBeCloseTo(expected[d], 6));
      expect(vectors.get('riverbank')).not.toEqual(bank);
    });
  });
}
