/**
 * BertTokenizer against tokenizers.js (Hugging Face's JS port) with bert-base-chinese's vocab.txt
 * (as the tokenizer.json HF's converter makes of it), on every line of
 * ../shared/data/corpora/open, every SST-2 sentence and both WiC sentences: identical ids,
 * offsets that spell their tokens, the same decoded text. English splits into many more, shorter
 * pieces with this vocabulary, which exercises WordPiece's longest-match search.
 */
import { expect, it } from 'vitest';
import { describeShared } from '../../../test/support/shared.js';
import { chineseTokenizerJson, corpusTexts, expectSameAsOracle, expectSamePairsAsOracle } from './support/wordpiece-oracle.js';

describeShared(['data'], 'BertTokenizer = tokenizers.js on the shared corpora (bert-base-chinese)', () => {
  it('gives the same ids for every line', { timeout: 600_000 }, () => {
    const texts = corpusTexts();
    expect(texts.length).toBeGreaterThan(150_000);
    expectSameAsOracle('bert-base-chinese', chineseTokenizerJson(), texts);
  });

  it('gives the same ids and token type ids for every WiC sentence pair', () => {
    expect(expectSamePairsAsOracle(chineseTokenizerJson())).toBeGreaterThan(6000);
  });
});
