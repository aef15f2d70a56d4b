/**
 * The BERT WordPiece tokenizer: basic tokenisation, WordPiece, special tokens, pairs, truncation,
 * padding and decoding. Expected values are Hugging Face's: the `tokenizers` library (Rust,
 * what `BertTokenizerFast` runs; version 0.23.2 via its npm binding), the reference ids in
 * ../shared/fixtures/tiny-bert, and tokenizers.js (`@huggingface/tokenizers`) as a live oracle.
 * The whole-corpus comparison with tokenizers.js is in wordpiece-oracle-*.test.ts.
 */
import { readFileSync } from 'node:fs';
import { Tokenizer } from '@huggingface/tokenizers';
import { describe, expect, it } from 'vitest';
import { describeShared, sharedPath } from '../../../test/support/shared.js';
import { basicTokenize, BertTokenizer, truncatedLengths, WordpieceTokenizer } from '../src/tokenize/index.js';
import { loadBertTokenizer } from '../src/tokenize/load.js';

/** A vocabulary small enough to read: the id of a token is its line. */
const TINY_VOCAB = [
  '[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'un', '##aff', '##able', 'hello', ',',
  '!', '.', "'", 's', 'the', 'a', '##a', 'x', '##😀', '中',
  '国', 'cafe', 'it', '[', ']', 'mask', 'world', 't', 'don', '?',
].join('\n');

const tiny = () => BertTokenizer.fromVocab(TINY_VOCAB);

describe('basicTokenize', () => {
  it('splits on whitespace and punctuation, with offsets into the original text', () => {
    const text = "Don't panic!";
    const words = basicTokenize(text, { lowerCase: false });
    expect(words).toEqual([
      { text: 'Don', start: 0, end: 3 },
      { text: "'", start: 3, end: 4 },
      { text: 't', start: 4, end: 5 },
      { text: 'panic', start: 6, end: 11 },
      { text: '!', start: 11, end: 12 },
    ]);
    for (const w of words) expect(text.slice(w.start, w.end)).toBe(w.text);
  });

  it('lower-cases and strips accents only when asked, as do_lower_case / strip_accents', () => {
    expect(basicTokenize('Héllo WÖRLD', { lowerCase: true }).map((w) => w.text)).toEqual(['hello', 'world']);
    expect(basicTokenize('Héllo WÖRLD', { lowerCase: true, stripAccents: false }).map((w) => w.text)).toEqual(['héllo', 'wörld']);
    expect(basicTokenize('Héllo WÖRLD', { lowerCase: false }).map((w) => w.text)).toEqual(['Héllo', 'WÖRLD']);
    expect(basicTokenize('Héllo', { lowerCase: false, stripAccents: true }).map((w) => w.text)).toEqual(['Hello']);
  });

  it('keeps offsets in the original when normalization changes the length (İ, decomposed accents)', () => {
    // "İ" lower-cases to "i" + U+0307 (2 units), "e" + U+0301 loses its mark: the spans still index the input.
    const text = 'İstanbul cafe\u0301s';
    expect(basicTokenize(text, { lowerCase: true })).toEqual([
      { text: 'istanbul', start: 0, end: 8 },
      { text: 'cafes', start: 9, end: 15 },
    ]);
    expect(basicTokenize('İ', { lowerCase: true, stripAccents: false })).toEqual([{ text: 'i\u0307', start: 0, end: 1 }]);
  });

  it('drops NUL, U+FFFD and control/format characters, even inside a word', () => {
    // a NUL b BEL c | d SOFT-HYPHEN e | U+FFFD
    expect(basicTokenize('a\u0000b\u0007c d\u00ADe \uFFFD', { lowerCase: false })).toEqual([
      { text: 'abc', start: 0, end: 5 },
      { text: 'de', start: 6, end: 9 },
    ]);
  });

  it('treats every Unicode whitespace as a separator', () => {
    expect(basicTokenize('\tA\u00A0B\u3000C\u2028D\r\nE', { lowerCase: false }).map((w) => w.text)).toEqual(['A', 'B', 'C', 'D', 'E']);
  });

  it('makes every CJK ideograph a word, but not kana, hangul or emoji', () => {
    expect(basicTokenize('我爱NLP', { lowerCase: false }).map((w) => w.text)).toEqual(['我', '爱', 'NLP']);
    expect(basicTokenize('かな한국', { lowerCase: false }).map((w) => w.text)).toEqual(['かな한국']);
    expect(basicTokenize('我爱NLP', { lowerCase: false, tokenizeChineseChars: false }).map((w) => w.text)).toEqual(['我爱NLP']);
    // Astral ideographs (extension B) are CJK too; their offsets count UTF-16 units.
    expect(basicTokenize('x\u{20000}y', { lowerCase: false })).toEqual([
      { text: 'x', start: 0, end: 1 },
      { text: '\u{20000}', start: 1, end: 3 },
      { text: 'y', start: 3, end: 4 },
    ]);
    expect(basicTokenize('a😀b', { lowerCase: false })).toEqual([{ text: 'a😀b', start: 0, end: 4 }]);
  });

  it('splits ASCII symbols and Unicode P* punctuation, not other symbols', () => {
    expect(basicTokenize('$5^`~', { lowerCase: false }).map((w) => w.text)).toEqual(['$', '5', '^', '`', '~']);
    expect(basicTokenize('«a»—b…', { lowerCase: false }).map((w) => w.text)).toEqual(['«', 'a', '»', '—', 'b', '…']);
    expect(basicTokenize('a©b±c', { lowerCase: false }).map((w) => w.text)).toEqual(['a©b±c']);
  });
});

describe('WordpieceTokenizer', () => {
  const vocab = new Map(TINY_VOCAB.split('\n').map((token, id) => [token, id]));
  const pieces = (word: string, wordpiece = new WordpieceTokenizer(vocab)) => {
    const out = { ids: [] as number[], starts: [] as number[], ends: [] as number[] };
    wordpiece.tokenize(word, out);
    return out.ids.map((id, i) => [TINY_VOCAB.split('\n')[id], out.starts[i], out.ends[i]]);
  };

  it('takes the longest match first, continuing with ## pieces (the HF docstring example)', () => {
    expect(pieces('unaffable')).toEqual([['un', 0, 2], ['##aff', 2, 5], ['##able', 5, 9]]);
  });

  it('makes the whole word [UNK] when a part matches nothing', () => {
    expect(pieces('unaffablex')).toEqual([['[UNK]', 0, 10]]);
  });

  it('makes a word of more than 100 characters [UNK], counting code points', () => {
    expect(pieces('a'.repeat(100))).toHaveLength(100);
    expect(pieces('a'.repeat(101))).toEqual([['[UNK]', 0, 101]]);
    // 99 characters in 100 UTF-16 units: still under the limit.
    expect(pieces('x' + '😀'.repeat(98)).length).toBe(99);
    expect(pieces('x' + '😀'.repeat(100))).toEqual([['[UNK]', 0, 201]]);
    expect(pieces('a'.repeat(6), new WordpieceTokenizer(vocab, { maxInputCharsPerWord: 5 }))).toEqual([['[UNK]', 0, 6]]);
  });

  it('never cuts a surrogate pair', () => {
    expect(pieces('x😀')).toEqual([['x', 0, 1], ['##😀', 1, 3]]);
  });
});

describe('BertTokenizer (tiny vocabulary)', () => {
  it('encodes with [CLS]/[SEP], offsets, word ids and sequence ids', () => {
    const text = 'Hello, the [MASK]!';
    const e = tiny().encode(text);
    expect(e.tokens).toEqual(['[CLS]', 'hello', ',', 'the', '[MASK]', '!', '[SEP]']);
    expect(e.ids).toEqual([2, 8, 9, 14, 4, 10, 3]);
    expect(e.tokenTypeIds).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect(e.attentionMask).toEqual([1, 1, 1, 1, 1, 1, 1]);
    expect(e.offsets).toEqual([[0, 0], [0, 5], [5, 6], [7, 10], [11, 17], [17, 18], [0, 0]]);
    // A special token written in the text is a word of its own (HF counts it as one too).
    expect(e.wordIds).toEqual([null, 0, 1, 2, 3, 4, null]);
    expect(e.sequenceIds).toEqual([null, 0, 0, 0, 0, 0, null]);
  });

  it('finds special tokens anywhere in the text, never lower-cased or split, and only in their exact case', () => {
    const t = tiny();
    expect(t.encode('x[MASK]x', { addSpecialTokens: false }).tokens).toEqual(['x', '[MASK]', 'x']);
    expect(t.encode('[mask]', { addSpecialTokens: false }).tokens).toEqual(['[', 'mask', ']']);
    expect(t.encode('[CLS][SEP]', { addSpecialTokens: false }).ids).toEqual([2, 3]);
  });

  it('encodes a pair: type ids 1 for the second text, word ids and offsets restart there', () => {
    const e = tiny().encode('hello world', 'the x');
    expect(e.tokens).toEqual(['[CLS]', 'hello', 'world', '[SEP]', 'the', 'x', '[SEP]']);
    expect(e.tokenTypeIds).toEqual([0, 0, 0, 0, 1, 1, 1]);
    expect(e.wordIds).toEqual([null, 0, 1, null, 0, 1, null]);
    expect(e.sequenceIds).toEqual([null, 0, 0, null, 1, 1, null]);
    expect(e.offsets).toEqual([[0, 0], [0, 5], [6, 11], [0, 0], [0, 3], [4, 5], [0, 0]]);
    // Without special tokens the second text still has type id 1, as in the fast tokenizer.
    expect(tiny().encode('hello', 'x', { addSpecialTokens: false }).tokenTypeIds).toEqual([0, 1]);
  });

  it('takes options as the second argument when there is no pair', () => {
    expect(tiny().encode('hello', { addSpecialTokens: false }).tokens).toEqual(['hello']);
    expect(tiny().encode('hello', null, { addSpecialTokens: false }).tokens).toEqual(['hello']);
  });

  it('maps tokens and ids both ways and knows its special tokens', () => {
    const t = tiny();
    expect([t.padTokenId, t.unkTokenId, t.clsTokenId, t.sepTokenId, t.maskTokenId]).toEqual([0, 1, 2, 3, 4]);
    expect(t.vocabSize).toBe(30);
    expect(t.tokenToId('##aff')).toBe(6);
    expect(t.tokenToId('nope')).toBeUndefined();
    expect(t.idToToken(7)).toBe('##able');
    expect(() => t.idToToken(30)).toThrow(/token id 30 is not in the vocabulary/);
    expect(t.isSpecialId(4)).toBe(true);
    expect(t.isSpecialId(5)).toBe(false);
    expect(t.tokenize('unaffable!')).toEqual(['un', '##aff', '##able', '!']);
  });

  it('reads vocab.txt as HF does: line number = id, CRLF tolerated, a repeated token keeps its last line', () => {
    const t = BertTokenizer.fromVocab('[PAD]\r\n[UNK]\r\n[CLS]\r\n[SEP]\r\n[MASK]\r\nab\r\nab\r\n');
    expect(t.encode('ab', { addSpecialTokens: false }).ids).toEqual([6]);
    expect(t.idToToken(5)).toBe('ab');
    expect(t.vocabSize).toBe(7);
    expect(() => BertTokenizer.fromVocab('[PAD]\n[UNK]\n[CLS]\n[SEP]\n')).toThrow(/\[MASK\] is not in the vocabulary/);
  });

  it('honours do_lower_case=false (cased models)', () => {
    const t = BertTokenizer.fromVocab(TINY_VOCAB + '\nHello', { doLowerCase: false });
    expect(t.encode('Hello hello', { addSpecialTokens: false }).tokens).toEqual(['Hello', 'hello']);
  });

  it('throws when the input is longer than maxLength and truncation is off', () => {
    const t = tiny();
    expect(() => t.encode('the the the the', { maxLength: 5 })).toThrow(
      'the input has 6 tokens, more than maxLength 5; pass truncation: true or a shorter text',
    );
    expect(t.encode('the the the', { maxLength: 5 }).ids).toHaveLength(5);
    expect(() => t.encodeBatch(['the', 'the the the the'], { maxLength: 5 })).toThrow(/^input 1: the input has 6 tokens/);
  });

  it('truncates longest_first, only_first and only_second', () => {
    const t = tiny();
    const tokens = (a: string, b: string, truncation: 'longest_first' | 'only_first' | 'only_second') =>
      t.encode(a, b, { maxLength: 8, truncation }).tokens;
    expect(tokens('a a a a', 'x x x x', 'longest_first')).toEqual(['[CLS]', 'a', 'a', '[SEP]', 'x', 'x', 'x', '[SEP]']);
    expect(tokens('a a a a', 'x x x x', 'only_first')).toEqual(['[CLS]', 'a', '[SEP]', 'x', 'x', 'x', 'x', '[SEP]']);
    expect(tokens('a a a a', 'x x x x', 'only_second')).toEqual(['[CLS]', 'a', 'a', 'a', 'a', '[SEP]', 'x', '[SEP]']);
    expect(t.encode('a a a a a a', { maxLength: 4, truncation: true }).tokens).toEqual(['[CLS]', 'a', 'a', '[SEP]']);
    expect(() => t.encode('a', 'x x x x x', { maxLength: 5, truncation: 'only_first' })).toThrow(/only_first.*first text has 1 tokens/);
    expect(() => t.encode('a a a', { maxLength: 3, truncation: 'only_second' })).toThrow(/needs a pair/);
    expect(() => t.encode('a', 'x', { maxLength: 2, truncation: true })).toThrow(/no room for the 3 special tokens/);
    expect(() => t.encode('a a a', { truncation: true })).toThrow(/truncation needs maxLength/);
  });

  it('pads a batch to its longest member or to maxLength', () => {
    const t = tiny();
    const [short, long] = t.encodeBatch(['x', ['hello world', 'x']], { padding: true });
    expect(short.ids).toEqual([2, 17, 3, 0, 0, 0]);
    expect(short.attentionMask).toEqual([1, 1, 1, 0, 0, 0]);
    expect(short.tokens.slice(3)).toEqual(['[PAD]', '[PAD]', '[PAD]']);
    expect(short.tokenTypeIds).toEqual([0, 0, 0, 0, 0, 0]);
    expect(short.offsets.slice(3)).toEqual([[0, 0], [0, 0], [0, 0]]);
    expect(short.wordIds.slice(3)).toEqual([null, null, null]);
    expect(short.sequenceIds.slice(3)).toEqual([null, null, null]);
    expect(long.tokens).toEqual(['[CLS]', 'hello', 'world', '[SEP]', 'x', '[SEP]']);
    expect(long.attentionMask).toEqual([1, 1, 1, 1, 1, 1]);
    const padded = t.encodeBatch(['x', 'x x'], { padding: 'max_length', maxLength: 6 });
    expect(padded.map((e) => e.ids)).toEqual([[2, 17, 3, 0, 0, 0], [2, 17, 17, 3, 0, 0]]);
    expect(t.encodeBatch(['x', 'x x']).map((e) => e.ids.length)).toEqual([3, 4]);
  });

  it('decodes as HF: ## pieces joined, clean_up_tokenization on by default', () => {
    const t = tiny();
    const ids = t.encode("unaffable hello , world ! it ' s . don ' t ?").ids;
    expect(ids.slice(1, 4).map((id) => t.idToToken(id))).toEqual(['un', '##aff', '##able']);
    expect(t.decode(ids)).toBe("[CLS] unaffable hello, world! it's. don't? [SEP]");
    expect(t.decode(ids, { skipSpecialTokens: true })).toBe("unaffable hello, world! it's. don't?");
    expect(t.decode(ids, { skipSpecialTokens: true, cleanUpTokenizationSpaces: false })).toBe("unaffable hello , world ! it ' s . don ' t ?");
    expect(t.decode(t.encode('[MASK] x').ids, { skipSpecialTokens: true })).toBe('x');
  });
});

describe('truncatedLengths (longest_first, as tokenizers 0.23.2 does it)', () => {
  // [first, second, maxLength, special tokens, kept first, kept second], each measured with the
  // `tokenizers` npm binding 0.23.2 (setTruncation(maxLength), encode(first, second)).
  const cases: Array<[number, number | null, number, number, number, number]> = [
    [4, 4, 8, 3, 2, 3],
    [5, 4, 8, 3, 3, 2],
    [4, 5, 8, 3, 2, 3],
    [9, 2, 8, 3, 3, 2],
    [2, 9, 8, 3, 2, 3],
    [6, 5, 9, 3, 3, 3],
    [9, 8, 10, 3, 4, 3],
    [8, 9, 10, 3, 3, 4],
    [12, 12, 9, 3, 3, 3],
    // Even the shorter one fills the budget: the odd token goes to the second, not the longer.
    [9, 8, 7, 0, 3, 4],
    [8, 7, 7, 0, 3, 4],
    [7, 6, 7, 0, 4, 3],
    [6, 5, 7, 0, 4, 3],
    [3, 3, 4, 0, 2, 2],
    [10, 1, 5, 0, 4, 1],
    [20, null, 7, 2, 5, 0],
    [20, null, 7, 0, 7, 0],
  ];
  it.each(cases)('%i + %s tokens into %i with %i special tokens keeps %i + %i', (first, second, max, special, keepFirst, keepSecond) => {
    expect(truncatedLengths(first, second, max, special, 'longest_first')).toEqual([keepFirst, keepSecond]);
  });
});

/** Ids, offsets (UTF-16) and word ids from HF `tokenizers` 0.23.2 with bert-base-uncased's tokenizer.json. */
const HF_FAST_CASES: Array<{ text: string; pair?: string; tokens: string[]; ids: number[]; offsets: number[][]; wordIds: Array<number | null> }> = [
  {
    text: 'İstanbul ﬁne café naïve 東京 [MASK] x[CLS]y Hello[SEP]',
    tokens: ["[CLS]","istanbul","ﬁ","##ne","cafe","naive","東","京","[MASK]","x","[CLS]","y","hello","[SEP]","[SEP]"],
    ids: [101,9960,1984,2638,7668,15743,1879,1755,103,1060,101,1061,7592,102,102],
    offsets: [[0,0],[0,8],[9,10],[10,12],[13,17],[18,23],[24,25],[25,26],[27,33],[34,35],[35,40],[40,41],[42,47],[47,52],[0,0]],
    wordIds: [null,0,1,1,2,3,4,5,6,7,8,9,10,11,null],
  },
  {
    text: '한국어 😀 a😀b',
    tokens: ["[CLS]","ᄒ","##ᅡ","##ᆫ","##ᄀ","##ᅮ","##ᆨ","##ᄋ","##ᅥ","[UNK]","[UNK]","[SEP]"],
    ids: [101,1469,30006,30021,29991,30014,30020,29999,30008,100,100,102],
    offsets: [[0,0],[0,1],[0,1],[0,1],[1,2],[1,2],[1,2],[2,3],[2,3],[4,6],[7,11],[0,0]],
    wordIds: [null,0,0,0,0,0,0,0,0,1,2,null],
  },
  {
    text: 'cafe\u0301s ab\u00ADcd',
    tokens: ["[CLS]","cafes","abc","##d","[SEP]"],
    ids: [101,23812,5925,2094,102],
    offsets: [[0,0],[0,6],[7,11],[11,12],[0,0]],
    wordIds: [null,0,1,1,null],
  },
  {
    text: '\uFEFFx\u2028y\u0085z',
    tokens: ["[CLS]","x","y","##z","[SEP]"],
    ids: [101,1060,1061,2480,102],
    offsets: [[0,0],[1,2],[3,4],[5,6],[0,0]],
    wordIds: [null,0,1,1,null],
  },
  {
    text: 'ǅ ß ẞ Ⅻ ﬁ İI',
    tokens: ["[CLS]","[UNK]","ß","ß","[UNK]","ﬁ","ii","[SEP]"],
    ids: [101,100,1096,1096,100,1984,2462,102],
    offsets: [[0,0],[0,1],[2,3],[4,5],[6,7],[8,9],[10,12],[0,0]],
    wordIds: [null,0,1,2,3,4,5,null],
  },
  {
    text: 'Hello, world! It\'s 3.14 $5 don\'t',
    tokens: ["[CLS]","hello",",","world","!","it","'","s","3",".","14","$","5","don","'","t","[SEP]"],
    ids: [101,7592,1010,2088,999,2009,1005,1055,1017,1012,2403,1002,1019,2123,1005,1056,102],
    offsets: [[0,0],[0,5],[5,6],[7,12],[12,13],[14,16],[16,17],[17,18],[19,20],[20,21],[21,23],[24,25],[25,26],[27,30],[30,31],[31,32],[0,0]],
    wordIds: [null,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,null],
  },
  {
    text: '\u0009\u000A  spaces\u3000ideographic\u00A0nbsp',
    tokens: ["[CLS]","spaces","id","##eo","##graphic","n","##bs","##p","[SEP]"],
    ids: [101,7258,8909,8780,14773,1050,5910,2361,102],
    offsets: [[0,0],[4,10],[11,13],[13,15],[15,22],[23,24],[24,26],[26,27],[0,0]],
    wordIds: [null,0,1,1,1,2,2,2,null],
  },
  {
    text: '\u0000nul\uFFFDrepl\u0007bell',
    tokens: ["[CLS]","nu","##lr","##ep","##lb","##ell","[SEP]"],
    ids: [101,16371,20974,13699,20850,5349,102],
    offsets: [[0,0],[1,3],[3,6],[6,8],[8,11],[11,14],[0,0]],
    wordIds: [null,0,0,0,0,0,null],
  },
  {
    text: 'x\u1FEFy',
    tokens: ["[CLS]","x","`","y","[SEP]"],
    ids: [101,1060,1036,1061,102],
    offsets: [[0,0],[0,1],[1,2],[2,3],[0,0]],
    wordIds: [null,0,1,2,null],
  },
  {
    text: 'ΟΔΟΣ.',
    tokens: ["[CLS]","ο","##δ","##ο","##σ",".","[SEP]"],
    ids: [101,1169,29722,29730,29733,1012,102],
    offsets: [[0,0],[0,1],[1,2],[2,3],[3,4],[4,5],[0,0]],
    wordIds: [null,0,0,0,0,1,null],
  },
  {
    text: '\u{20000}\u{2A6D6}x',
    tokens: ["[CLS]","[UNK]","[UNK]","x","[SEP]"],
    ids: [101,100,100,1060,102],
    offsets: [[0,0],[0,2],[2,4],[4,5],[0,0]],
    wordIds: [null,0,1,2,null],
  },
  {
    text: 'a\u0378b',
    tokens: ["[CLS]","[UNK]","[SEP]"],
    ids: [101,100,102],
    offsets: [[0,0],[0,3],[0,0]],
    wordIds: [null,0,null],
  },
  {
    text: 'unaffable [UNK] [unk] [PAD]',
    tokens: ["[CLS]","una","##ffa","##ble","[UNK]","[","un","##k","]","[PAD]","[SEP]"],
    ids: [101,14477,20961,3468,100,1031,4895,2243,1033,0,102],
    offsets: [[0,0],[0,3],[3,6],[6,9],[10,15],[16,17],[17,19],[19,20],[20,21],[22,27],[0,0]],
    wordIds: [null,0,0,0,1,2,3,3,4,5,null],
  },
  {
    text: 'Ça va? Très bien—merci… «Salut»',
    tokens: ["[CLS]","ca","va","?","tres","bien","—","mer","##ci","…","«","sal","##ut","»","[SEP]"],
    ids: [101,6187,12436,1029,24403,29316,1517,21442,6895,1529,1077,16183,4904,1090,102],
    offsets: [[0,0],[0,2],[3,5],[5,6],[7,11],[12,16],[16,17],[17,20],[20,22],[22,23],[24,25],[25,28],[28,30],[30,31],[0,0]],
    wordIds: [null,0,1,2,3,4,5,6,6,7,8,9,9,10,null],
  },
  {
    text: 'The bank raised its rates.',
    pair: 'Penguins live in Antarctica.',
    tokens: ["[CLS]","the","bank","raised","its","rates",".","[SEP]","penguins","live","in","antarctica",".","[SEP]"],
    ids: [101,1996,2924,2992,2049,6165,1012,102,18134,2444,1999,12615,1012,102],
    offsets: [[0,0],[0,3],[4,8],[9,15],[16,19],[20,25],[25,26],[0,0],[0,8],[9,13],[14,16],[17,27],[27,28],[0,0]],
    wordIds: [null,0,1,2,3,4,5,null,0,1,2,3,4,null],
  },
  {
    text: 'Hello[MASK]!',
    pair: '  x[SEP]y  ',
    tokens: ["[CLS]","hello","[MASK]","!","[SEP]","x","[SEP]","y","[SEP]"],
    ids: [101,7592,103,999,102,1060,102,1061,102],
    offsets: [[0,0],[0,5],[5,11],[11,12],[0,0],[2,3],[3,8],[8,9],[0,0]],
    wordIds: [null,0,1,2,null,0,1,2,null],
  },
];

describeShared(['data', 'vocab'], 'BertTokenizer with bert-base-uncased', () => {
  const dir = sharedPath('data', 'vocab', 'bert-base-uncased');
  const json = () => JSON.parse(readFileSync(`${dir}/tokenizer.json`, 'utf8'));

  it.each(HF_FAST_CASES)('matches HF tokenizers on %j', ({ text, pair, tokens, ids, offsets, wordIds }) => {
    const e = loadBertTokenizer(dir).encode(text, pair ?? null);
    expect(e.tokens).toEqual(tokens);
    expect(e.ids).toEqual(ids);
    expect(e.offsets).toEqual(offsets);
    expect(e.wordIds).toEqual(wordIds);
  });

  it('loads the same tokenizer from tokenizer.json and from vocab.txt', () => {
    const fromJson = loadBertTokenizer(dir);
    const fromVocab = BertTokenizer.fromVocab(readFileSync(`${dir}/vocab.txt`, 'utf8'));
    for (const { text, pair } of HF_FAST_CASES) {
      expect(fromVocab.encode(text, pair ?? null)).toEqual(fromJson.encode(text, pair ?? null));
    }
    expect(fromJson.vocabSize).toBe(30522);
  });

  it('gives the ids of ../shared/fixtures/tiny-bert/reference.json (from HF, with text_pair)', () => {
    const folder = sharedPath('fixtures', 'tiny-bert');
    const { cases } = JSON.parse(readFileSync(`${folder}/reference.json`, 'utf8')) as {
      cases: Array<{ text: string; text_pair?: string; ids: number[]; token_type_ids: number[] }>;
    };
    expect(cases.filter((c) => c.text_pair).length).toBeGreaterThan(0);
    const tokenizer = loadBertTokenizer(folder); // vocab.txt + tokenizer_config.json
    for (const c of cases) {
      const e = tokenizer.encode(c.text, c.text_pair ?? null);
      expect(e.ids, c.text).toEqual(c.ids);
      expect(e.tokenTypeIds, c.text).toEqual(c.token_type_ids);
    }
  });

  it('decodes like tokenizers.js', () => {
    const ours = BertTokenizer.fromTokenizerJson(json());
    const oracle = new Tokenizer(json(), {});
    for (const text of ["Hello, world! It's 3.14 $5 don't.", 'I went to the bank to deposit my paycheck.', 'They said "no" , then left ... ok ?']) {
      const ids = ours.encode(text).ids;
      expect(ours.decode(ids)).toBe(oracle.decode(ids));
      expect(ours.decode(ids, { skipSpecialTokens: true })).toBe(oracle.decode(ids, { skip_special_tokens: true }));
    }
    expect(ours.decode(ours.encode("It's a paycheck.").ids, { skipSpecialTokens: true })).toBe("it's a paycheck.");
  });

  it('reports a tokenizer.json it cannot run', () => {
    expect(() => BertTokenizer.fromTokenizerJson({ ...json(), model: { ...json().model, type: 'BPE' } })).toThrow(/BPE, BertTokenizer needs WordPiece/);
    expect(() => BertTokenizer.fromTokenizerJson({ ...json(), normalizer: { type: 'NFC' } })).toThrow(/normalizer NFC is not supported/);
    expect(() => BertTokenizer.fromTokenizerJson({ ...json(), pre_tokenizer: { type: 'Whitespace' } })).toThrow(/pre_tokenizer Whitespace/);
    expect(() => loadBertTokenizer(sharedPath('data', 'vocab'))).toThrow(/no tokenizer.json or vocab.txt/);
  });

  // Where tokenizers.js (the live oracle) and HF tokenizers (Rust) disagree, we follow the Rust
  // library, which is what BertTokenizerFast / AutoTokenizer and tokenizer.json mean.
  describe('documented differences of tokenizers.js', () => {
    const oracle = () => new Tokenizer(json(), {});

    it('final sigma: Rust lower-cases char by char (Σ → σ); tokenizers.js and Python str.lower() give ς at a word end', () => {
      // BertNormalizer.do_lowercase in `tokenizers` maps each char with char::to_lowercase, which
      // has no context; JS toLowerCase() and Python's str.lower() on the whole text apply
      // Final_Sigma. The Python slow BertTokenizer therefore agrees with tokenizers.js here.
      const ours = BertTokenizer.fromTokenizerJson(json()).encode('ΟΔΟΣ.').tokens;
      expect(ours).toEqual(['[CLS]', 'ο', '##δ', '##ο', '##σ', '.', '[SEP]']);
      expect(oracle().encode('ΟΔΟΣ.').tokens).toEqual(['[CLS]', 'ο', '##δ', '##ος', '.', '[SEP]']);
    });

    it('CJK ideographs outside the BMP are words of their own in Python and Rust, not in tokenizers.js', () => {
      // tokenizers.js tests text.charCodeAt(i) against _is_chinese_char's ranges, so a surrogate
      // pair (U+20000 …) never matches; Python's _is_chinese_char(ord(char)) and Rust do.
      const text = '\u{20000}\u{2A6D6}x';
      expect(BertTokenizer.fromTokenizerJson(json()).encode(text).tokens).toEqual(['[CLS]', '[UNK]', '[UNK]', 'x', '[SEP]']);
      expect(oracle().encode(text).tokens).toEqual(['[CLS]', '[UNK]', '[SEP]']);
    });
  });
});
