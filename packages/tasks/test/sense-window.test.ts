import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, type BertModel } from '@wb/core';
import { loadBert, loadModel } from '@wb/core/node';
import { describeShared, sharedPath } from '../../../test/support/shared.js';
import { embedTargets, tokenBudget, windowAround } from '../src/index.js';
import { StubEmbedder } from './support/stub-embedder.js';

describe('windowAround', () => {
  it('keeps the whole sentence when it fits', () => {
    expect(windowAround([1, 2, 3], 1, 6)).toEqual({ start: 0, end: 3 });
  });

  it('centres the window on the target, then fills whichever side still has words', () => {
    expect(windowAround([1, 1, 1, 1, 1], 2, 3)).toEqual({ start: 1, end: 4 });
    expect(windowAround([1, 1, 1, 1, 1], 0, 3)).toEqual({ start: 0, end: 3 });
    expect(windowAround([1, 1, 1, 1, 1], 4, 2)).toEqual({ start: 3, end: 5 });
    // Costs 2 1 [3] 1 1 in 5: add the left 1 (4), then the right 1 (5); nothing else fits.
    expect(windowAround([2, 1, 3, 1, 1], 2, 5)).toEqual({ start: 1, end: 4 });
    // A word that does not fit on one side does not stop the other.
    expect(windowAround([9, 1, 1, 1, 1], 1, 4)).toEqual({ start: 1, end: 5 });
  });

  it('fails when the target alone is too long', () => {
    expect(() => windowAround([1, 7, 1], 1, 5)).toThrow(/target word alone takes 7 tokens, more than the model's 5/);
  });
});

describe('embedTargets', () => {
  it('returns the target vectors in input order, in batches sorted by length, whole sentences for models without positions', async () => {
    // The vector says where the word is: [index, sentence length].
    const model = new StubEmbedder(1, 2, (words, i) => [[i, words.length]]);
    const items = [
      { words: 'a b c d e f'.split(' '), target: 4 },
      { words: ['x'], target: 0 },
      { words: 'p q r'.split(' '), target: 1 },
    ];
    const vectors = await embedTargets(model, items, { batchSize: 2 });
    expect(vectors.map((layers) => Array.from(layers[0]))).toEqual([
      [4, 6],
      [0, 1],
      [1, 3],
    ]);
    expect(model.calls.map((batch) => batch.map((words) => words.length))).toEqual([[1, 3], [6]]);
    await expect(embedTargets(model, [{ words: ['a'], target: 1 }])).rejects.toThrow(/item 0: target 1 is outside its 1 words/);
  });
});

describeShared(['fixtures', 'tiny-bert'], 'embedTargets with tiny-bert (64 positions)', () => {
  let bert: BertModel;
  beforeAll(async () => {
    await initBackend('cpu');
    bert = await loadBert(sharedPath('fixtures', 'tiny-bert'));
  });

  it('cuts a long sentence to a window around the target that fits the positions', async () => {
    expect(tokenBudget(bert)?.maxTokens).toBe(62);
    // 150 one-piece words, target "bank" at 100. 62 positions for words: the target, 31 on the
    // left (the left grows first on ties) and 30 on the right: words 69..130.
    const words = Array.from({ length: 150 }, (_, i) => (i === 100 ? 'bank' : ['the', 'river', 'money'][i % 3]));
    const [vectors] = await embedTargets(bert, [{ words, target: 100 }]);
    const [expected] = await bert.embed([words.slice(69, 131)]);
    expect(expected.words[31].word).toBe('bank');
    expect(vectors).toHaveLength(3);
    vectors.forEach((layer, l) => expect(Array.from(layer)).toEqual(Array.from(expected.words[31].layers[l])));
    // Short sentences are not cut.
    const [short] = await embedTargets(bert, [{ words: ['the', 'bank'], target: 1 }]);
    const [whole] = await bert.embed([['the', 'bank']]);
    expect(Array.from(short[2])).toEqual(Array.from(whole.words[1].layers[2]));
  });
});

// Every tokenizer-driven family gets the window, not only BERT: a 72-position DistilBERT, RoBERTa,
// ALBERT or GPT-2 must not fail on a long Senseval sentence ("the input has 132 tokens, more than maxLength").
for (const family of ['distilbert', 'roberta', 'albert', 'gpt2']) {
  describeShared(['fixtures', `tiny-${family}`], `embedTargets with tiny-${family} (72 positions)`, () => {
    it('cuts a long sentence to a window that fits, and the target keeps its vector from that window', async () => {
      await initBackend('cpu');
      const model = await loadModel(sharedPath('fixtures', `tiny-${family}`));
      const budget = tokenBudget(model);
      if (!budget || !model.tokenizer) throw new Error(`tiny-${family}: no token budget`);
      const specials = model.tokenizer.encode('').ids.length;
      expect(budget.maxTokens).toBe(model.maxLength - specials);
      // Words of one and several pieces; "bank" at 100 of 150.
      const vocabulary = ['the', 'riverbank', 'Money', 'flowed', 'unbelievably', ',', 'slowly'];
      const words = Array.from({ length: 150 }, (_, i) => (i === 100 ? 'bank' : vocabulary[i % vocabulary.length]));
      const costs = budget.tokensPerWord(words);
      const { start, end } = windowAround(costs, 100, budget.maxTokens);
      expect(end - start).toBeLessThan(words.length);
      expect(start).toBeLessThanOrEqual(100);
      expect(end).toBeGreaterThan(100);
      // The costs are what the words cost in the sentence, so the window's real encoding fits.
      expect(model.tokenizer.encode(words.slice(start, end).join(' ')).ids.length).toBeLessThanOrEqual(model.maxLength);
      const [vectors] = await embedTargets(model, [{ words, target: 100 }]);
      const [expected] = await model.embed([words.slice(start, end)]);
      expect(expected.words[100 - start].word).toBe('bank');
      expect(vectors).toHaveLength(model.numLayers);
      vectors.forEach((layer, l) => expect(Array.from(layer)).toEqual(Array.from(expected.words[100 - start].layers[l])));
      model.dispose();
    });
  });
}
