/**
 * BertTokenizer against tokenizers.js (Hugging Face's JS port) with bert-base-uncased's
 * tokenizer.json, on every line of ../shared/data/corpora/open, every SST-2 sentence and both
 * WiC sentences: identical ids, offsets that spell their tokens, the same decoded text.
 * (The Chinese vocabulary runs in its own file, so that the two can use both cores.)
 */
import { expect, it } from 'vitest';
import { describeShared } from '../../../test/support/shared.js';
import { corpusTexts, expectSameAsOracle, expectSamePairsAsOracle, uncasedTokenizerJson } from './support/wordpiece-oracle.js';

describeShared(['data'], 'BertTokenizer = tokenizers.js on the shared corpora (bert-base-uncased)', () => {
  it('gives the same ids for every line', { timeout: 600_000 }, () => {
    const texts = corpusTexts();
    expect(texts.length).toBeGreaterThan(150_000);
    expectSameAsOracle('bert-base-uncased', uncasedTokenizerJson(), texts);
  });

  it('gives the same ids and token type ids for every WiC sentence pair', () => {
    expect(expectSamePairsAsOracle(uncasedTokenizerJson())).toBeGreaterThan(6000);
  });
});
