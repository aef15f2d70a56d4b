/** Finding a word by character offsets: a split word, case, repeats, special tokens, partial words. */
import { describe, expect, it } from 'vitest';
import { BertTokenizer } from '../src/tokenize/index.js';
import { findSpan, findTokens, meanOfRows, tokensInSpan } from '../src/word-spans.js';

// "cup" is not a token of this vocabulary: WordPiece makes it `cu ##p`, as bert-mini's does.
const VOCAB = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'the', 'cu', '##p', 'was', 'full', 'it', '.', 'board', '##board'].join('\n');
const tokenizer = BertTokenizer.fromVocab(VOCAB);

describe('findSpan', () => {
  it('finds whole words, case-insensitively, counting occurrences from 0', () => {
    const text = 'The Cup was full. the cup.';
    expect(findSpan(text, 'cup')).toEqual({ start: 4, end: 7 });
    expect(findSpan(text, 'cup', 1)).toEqual({ start: 22, end: 25 });
    expect(findSpan(text, 'the', 1)).toEqual({ start: 18, end: 21 });
  });

  it('does not match inside a longer word, and says how often the word occurs', () => {
    expect(() => findSpan('the cupboard', 'cup')).toThrow('"cup" as a whole word: wanted occurrence 1, but it does not occur in "the cupboard"');
    expect(() => findSpan('a cup, a cup', 'cup', 2)).toThrow('wanted occurrence 3, but it occurs 2 time(s)');
  });

  it('takes regular-expression characters in the word literally', () => {
    expect(findSpan('costs $5 (or so)', '$5')).toEqual({ start: 6, end: 8 });
  });
});

describe('tokensInSpan and findTokens', () => {
  it('finds both pieces of a word WordPiece split, never [CLS]/[SEP]', () => {
    const text = 'the cup was full .';
    const encoding = tokenizer.encode(text);
    expect(encoding.tokens).toEqual(['[CLS]', 'the', 'cu', '##p', 'was', 'full', '.', '[SEP]']);
    expect(encoding.tokens.indexOf('cup')).toBe(-1);
    expect(findTokens(text, encoding.offsets, 'cup')).toEqual([2, 3]);
    expect(findTokens(text, encoding.offsets, 'full')).toEqual([5]);
    // A span over the whole text holds every real token and neither special one.
    expect(tokensInSpan(encoding.offsets, { start: 0, end: text.length })).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('is empty when the span cuts through a token, and findTokens says so', () => {
    const text = 'cupboard';
    const encoding = tokenizer.encode(text);
    expect(encoding.tokens).toEqual(['[CLS]', 'cu', '##p', '##board', '[SEP]']);
    // Characters 0–3 ("cup") hold cu and ##p whole: offsets say nothing of word boundaries.
    expect(tokensInSpan(encoding.offsets, { start: 0, end: 3 })).toEqual([1, 2]);
    expect(tokensInSpan(encoding.offsets, { start: 0, end: 5 })).toEqual([1, 2]);
    expect(tokensInSpan(encoding.offsets, { start: 4, end: 8 })).toEqual([]);
    expect(() => findTokens('ab cd', [[0, 4], [4, 5]], 'ab')).toThrow('no token lies inside characters 0–2 ("ab") of "ab cd"');
  });

  it('given the text, skips a token\'s leading space (byte-level BPE: "Ġcup" covers " cup")', () => {
    const text = 'the cup';
    const offsets: Array<[number, number]> = [[0, 3], [3, 7]];
    expect(tokensInSpan(offsets, { start: 4, end: 7 })).toEqual([]);
    expect(tokensInSpan(offsets, { start: 4, end: 7 }, text)).toEqual([1]);
    expect(findTokens(text, offsets, 'cup')).toEqual([1]);
  });

  it('works on word offsets too (ELMo rows, pre-tokenised words marked -1 never match)', () => {
    expect(tokensInSpan([[0, 3], [4, 7], [8, 11]], { start: 4, end: 7 })).toEqual([1]);
    expect(tokensInSpan([[-1, -1], [-1, -1]], { start: 0, end: 3 })).toEqual([]);
  });
});

describe('meanOfRows', () => {
  it('averages the chosen rows', () => {
    const rows = [[1, 2], [3, 4], [5, 10]];
    expect(Array.from(meanOfRows(rows, [1, 2]))).toEqual([4, 7]);
    expect(Array.from(meanOfRows(rows, [0]))).toEqual([1, 2]);
  });

  it('refuses no rows and rows of different widths', () => {
    expect(() => meanOfRows([[1]], [])).toThrow('meanOfRows: no rows to average');
    expect(() => meanOfRows([[1, 2], [3]], [0, 1])).toThrow('meanOfRows: row 1 has 1 values, row 0 has 2');
  });
});
