import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@wb/core';
import { evaluateSenseval, evaluateSensevalWord, type SensevalInstance } from '../src/index.js';
import { StubEmbedder } from './support/stub-embedder.js';

/**
 * Eighteen "bank" instances. Layer 0 (and so the static baseline, since the stub is ELMo-like:
 * its static vector is layer 0 of the word alone) sees only the form: "bank" (1, 0), "banks"
 * (0, 1). Layer 1 sees the context: (1, 0) with "river" in the sentence, else (0, 1).
 *   edge:  bank ×10, banks ×1 (sentences with "river")
 *   money: bank ×1,  banks ×6
 * The counts are chosen so that the hand computation holds for any 5 folds of 18 (test folds of
 * 3 or 4 instances).
 */
const FORMS: Array<[string, string]> = [
  ...Array.from({ length: 10 }, (): [string, string] => ['edge', 'bank']),
  ['edge', 'banks'],
  ['money', 'bank'],
  ...Array.from({ length: 6 }, (): [string, string] => ['money', 'banks']),
];
const instances: SensevalInstance[] = FORMS.map(([sense, form], i) => ({
  id: `bank-${i}`,
  sense,
  words: ['the', form, sense === 'edge' ? 'river' : 'loan'],
  target: 1,
  line: i + 2,
}));

const model = () =>
  new StubEmbedder(2, 2, (words, i) => [
    words[i] === 'bank' ? [1, 0] : [0, 1],
    words.includes('river') ? [1, 0] : [0, 1],
  ]);

beforeAll(async () => {
  await initBackend('cpu');
});

describe('Senseval k-NN evaluation', () => {
  it('matches the accuracies worked out by hand, whatever the folds', async () => {
    for (const seed of [0, 1, 2, 3, 4, 5]) {
      const result = await evaluateSensevalWord(model(), 'bank', instances, { seed, folds: 5 });
      expect(result.n).toBe(18);
      expect(result.senses).toBe(2);
      // MFS: the training folds hold at least 11 − 4 = 7 "edge" and at most 7 "money"; a tie goes
      // to the alphabetically first, "edge". So "edge" is always predicted: 11/18.
      expect(result.mfs).toBeCloseTo(11 / 18, 12);
      // Static: every occurrence of a form is equally near, so the form's majority in the
      // training folds wins: bank → edge (at least 6 to 1), banks → money (at least 2 to 1).
      // Wrong: the money "bank" and the edge "banks".
      expect(result.static).toBeCloseTo(16 / 18, 12);
      // Layer 0 is the form vector too; layer 1 separates the senses perfectly.
      expect(result.layers[0]).toBeCloseTo(16 / 18, 12);
      expect(result.layers[1]).toBe(1);
      expect(result.best).toEqual({ layer: 1, accuracy: 1 });
    }
  });

  it('evaluates only the asked layer, averages over words, and names the word in errors', async () => {
    const result = await evaluateSenseval(model(), { bank: instances, banks: instances.slice().reverse() }, { layer: 1, k: 3, seed: 4 });
    expect(result.words.bank.layers).toEqual([null, 1]);
    expect(result.macro.layers).toEqual([null, 1]);
    expect(result.macro.best).toEqual({ layer: 1, accuracy: 1 });
    expect(result.macro.mfs).toBeCloseTo(11 / 18, 12);
    expect({ k: result.k, folds: result.folds, seed: result.seed }).toEqual({ k: 3, folds: 5, seed: 4 });
    await expect(evaluateSenseval(model(), { bank: instances.slice(0, 3) })).rejects.toThrow(/bank: 5-fold cross-validation needs at least 5 examples, got 3/);
    await expect(evaluateSenseval(model(), { bank: instances }, { layer: 2 })).rejects.toThrow(/layer 2 does not exist/);
  });
});
