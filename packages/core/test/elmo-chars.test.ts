import { describe, expect, it } from 'vitest';
import { batchToElmoCharIds, ELMoCharacterMapper } from '../src/tokenize/elmo-chars.js';

// Values written out from AllenNLP's ELMoCharacterMapper (elmo_indexer.py).
describe('ELMoCharacterMapper', () => {
  const mapper = new ELMoCharacterMapper();

  it('maps a word to bytes + 1 between begin/end-of-word marks, padded to 50', () => {
    const ids = mapper.convertWordToCharIds('Hi');
    expect(ids).toHaveLength(50);
    expect(ids.slice(0, 5)).toEqual([259, 73, 106, 260, 261]);
    expect(ids.slice(4).every((c) => c === 261)).toBe(true);
  });

  it('has the sentence boundary words 256 / 257', () => {
    expect(mapper.convertWordToCharIds('<S>').slice(0, 4)).toEqual([259, 257, 260, 261]);
    expect(mapper.convertWordToCharIds('</S>').slice(0, 4)).toEqual([259, 258, 260, 261]);
    expect(ELMoCharacterMapper.beginningOfSentenceCharacters.slice(0, 3)).toEqual([258, 256, 259]);
  });

  it('uses UTF-8 bytes and cuts words to 48 bytes (even inside a character)', () => {
    expect(mapper.convertWordToCharIds('é').slice(0, 4)).toEqual([259, 0xc3 + 1, 0xa9 + 1, 260]);
    expect(mapper.convertWordToCharIds('😀').slice(0, 6)).toEqual([259, 0xf0 + 1, 0x9f + 1, 0x98 + 1, 0x80 + 1, 260]);
    // a lone surrogate is dropped, as Python's encode('utf-8', 'ignore') drops it
    expect(mapper.convertWordToCharIds('a\ud800b').slice(0, 4)).toEqual([259, 98, 99, 260]);
    const long = mapper.convertWordToCharIds('x'.repeat(47) + 'é');
    expect(long[48]).toBe(0xc3 + 1);
    expect(long[49]).toBe(260);
  });

  it('supports tokens_to_add', () => {
    const m = new ELMoCharacterMapper({ '<mask>': 5 });
    expect(m.convertWordToCharIds('<mask>').slice(0, 4)).toEqual([259, 6, 260, 261]);
  });

  it('pads a batch with all-zero words', () => {
    const batch = batchToElmoCharIds([['a', 'b'], ['c']]);
    expect(batch.shape).toEqual([2, 2, 50]);
    expect(batch.lengths).toEqual([2, 1]);
    expect(Array.from(batch.ids.subarray(150, 200)).every((c) => c === 0)).toBe(true);
    expect(batch.ids[100 + 1]).toBe(100);
    expect(batch.wordChars).toBe(3);
  });
});
