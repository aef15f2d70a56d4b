/** BertModel: per-word vectors (WordPieces pooled), fill-mask and NSP on the tiny-bert fixture. */
import { readFileSync } from 'node:fs';
import { beforeAll, expect, it } from 'vitest';
import { describeShared, sharedPath } from '../../../test/support/shared.js';
import { initBackend } from '../src/backend.js';
import { cosineSimilarity, findWord } from '../src/embed.js';
import { loadBert } from '../src/load.js';
import type { BertModel } from '../src/models/bert-model.js';
import { maxAbsDiff } from './support/numeric.js';

interface ReferenceCase {
  text: string;
  ids: number[];
  hidden_states: number[][][];
  nsp_logits: number[];
  text_pair?: string;
}

function mean(rows: number[][]): number[] {
  return rows[0].map((_, d) => rows.reduce((sum, row) => sum + row[d], 0) / rows.length);
}

describeShared(['fixtures', 'tiny-bert'], 'BertModel on tiny-bert', () => {
  let bert: BertModel;
  let cases: ReferenceCase[];

  beforeAll(async () => {
    await initBackend();
    bert = await loadBert(sharedPath('fixtures', 'tiny-bert'));
    cases = JSON.parse(readFileSync(sharedPath('fixtures', 'tiny-bert', 'reference.json'), 'utf8')).cases;
  });

  it('gives one vector per word and layer, the mean of its WordPieces by default', async () => {
    const c = cases[0]; // "I went to the bank to deposit my paycheck." — paycheck = pay ##che ##ck
    const [sentence] = await bert.embed([c.text]);
    expect(sentence.words.map((w) => w.word)).toEqual(['I', 'went', 'to', 'the', 'bank', 'to', 'deposit', 'my', 'paycheck', '.']);
    const paycheck = findWord(sentence, 'paycheck');
    expect(c.text.slice(paycheck.start, paycheck.end)).toBe('paycheck');
    expect(paycheck.layers).toHaveLength(3);
    for (let layer = 0; layer < 3; layer++) {
      const pieces = c.hidden_states[layer].slice(9, 12);
      expect(maxAbsDiff(Array.from(paycheck.layers[layer]), mean(pieces))).toBeLessThan(1e-4);
    }
    const bank = findWord(sentence, 'bank');
    expect(maxAbsDiff(Array.from(bank.layers[2]), c.hidden_states[2][5])).toBeLessThan(1e-4);
  });

  it('pools the first WordPiece on request, and takes pre-split words', async () => {
    const c = cases[0];
    const [sentence] = await bert.embed([c.text.replace('.', ' .').split(' ')], { pooling: 'first' });
    const paycheck = findWord(sentence, 'paycheck');
    expect(paycheck.start).toBe(-1);
    expect(maxAbsDiff(Array.from(paycheck.layers[2]), c.hidden_states[2][9])).toBeLessThan(1e-4);
  });

  it('tells the two banks apart in context while their input embeddings are identical', async () => {
    const [money, river] = await bert.embed([cases[0].text, cases[1].text], { batchSize: 2 });
    const a = findWord(money, 'bank');
    const b = findWord(river, 'bank');
    // Layer 0 adds position embeddings, so the raw word embedding differs only by position there;
    // the top layer mixes in context.
    expect(cosineSimilarity(a.layers[2], b.layers[2])).toBeLessThan(0.999);
    expect(() => findWord(money, 'river')).toThrow(/"river" does not occur 1 time\(s\)/);
  });

  it('fill-mask returns top-k with probabilities summing below one, in decreasing order', async () => {
    const [predictions] = await bert.fillMask('I want [MASK] pizza.', { topK: 4 });
    expect(predictions).toHaveLength(4);
    const scores = predictions.map((p) => p.score);
    expect([...scores].sort((x, y) => y - x)).toEqual(scores);
    expect(scores.reduce((x, y) => x + y)).toBeLessThanOrEqual(1);
    expect(predictions[0].sequence).toBe(`i want ${predictions[0].token} pizza.`.replace(' ##', ''));
  });

  it('next-sentence prediction reproduces the reference NSP logits', async () => {
    for (const c of cases.filter((x) => x.text_pair)) {
      const { logits, isNext } = await bert.nextSentence(c.text, c.text_pair!);
      expect(maxAbsDiff(logits, c.nsp_logits)).toBeLessThan(1e-4);
      expect(isNext).toBeCloseTo(1 / (1 + Math.exp(c.nsp_logits[1] - c.nsp_logits[0])), 5);
    }
  });
});
