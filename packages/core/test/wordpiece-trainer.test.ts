/**
 * The WordPiece trainer: merges worked out by hand on a tiny corpus, agreement with a naive
 * trainer that recounts every pair at every merge, and the trained vocabulary in a BertTokenizer.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeShared, sharedPath } from '../../../test/support/shared.js';
import { basicTokenize, BertTokenizer, trainWordPiece, WordCounter } from '../src/tokenize/index.js';
import { countCorpusWords } from '../src/tokenize/corpus-words.js';

const SPECIALS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];

/** The example of HF's course: hug ×10, pug ×5, pun ×12, bun ×4, hugs ×5. */
const HUGS = new Map([
  ['hug', 10],
  ['pug', 5],
  ['pun', 12],
  ['bun', 4],
  ['hugs', 5],
]);

/**
 * Every merge recounted from scratch: slow and obviously right. Same orders as the trainer
 * (alphabet and ## forms by code point, words sorted, ties to the smaller ids).
 */
function naiveTrain(wordCounts: Map<string, number>, vocabSize: number, minFrequency = 0): string[] {
  const chars = [...new Set([...wordCounts.keys()].flatMap((w) => [...w]))].sort((x, y) => x.codePointAt(0)! - y.codePointAt(0)!);
  const continuing = [...new Set([...wordCounts.keys()].flatMap((w) => [...w].slice(1)))].sort((x, y) => x.codePointAt(0)! - y.codePointAt(0)!);
  const vocab = [...SPECIALS, ...chars, ...continuing.map((c) => '##' + c)];
  const id = (t: string) => vocab.indexOf(t);
  const words = [...wordCounts.keys()].sort().map((w) => ({ symbols: [...w].map((c, i) => id(i ? '##' + c : c)), count: wordCounts.get(w)! }));
  while (vocab.length < vocabSize) {
    const counts = new Map<string, number>();
    for (const { symbols, count } of words) {
      for (let i = 0; i + 1 < symbols.length; i++) {
        const k = `${symbols[i]},${symbols[i + 1]}`;
        counts.set(k, (counts.get(k) ?? 0) + count);
      }
    }
    let best: [number, number, number] | undefined;
    for (const [k, c] of counts) {
      const [a, b] = k.split(',').map(Number);
      if (!best || c > best[0] || (c === best[0] && (a < best[1] || (a === best[1] && b < best[2])))) best = [c, a, b];
    }
    if (!best || best[0] < minFrequency) break;
    const [, a, b] = best;
    const token = vocab[a] + vocab[b].replace(/^##/, '');
    if (id(token) < 0) vocab.push(token);
    const merged = id(token);
    for (const word of words) {
      for (let i = 0; i + 1 < word.symbols.length; i++) {
        if (word.symbols[i] === a && word.symbols[i + 1] === b) word.symbols.splice(i, 2, merged);
      }
    }
  }
  return vocab;
}

/** A small random corpus with repeated syllables, so that merges chain and tie. */
function randomCounts(seed: number, size: number): Map<string, number> {
  let state = seed;
  const random = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const syllables = ['ab', 'ba', 'a', 'b', 'c', 'abc', 'ca', 'é', 'aa'];
  const counts = new Map<string, number>();
  for (let i = 0; i < size; i++) {
    let word = '';
    const n = 1 + Math.floor(random() * 4);
    for (let j = 0; j < n; j++) word += syllables[Math.floor(random() * syllables.length)];
    counts.set(word, (counts.get(word) ?? 0) + 1 + Math.floor(random() * 5));
  }
  return counts;
}

describe('trainWordPiece', () => {
  it('builds the initial vocabulary: specials, characters, ## forms', () => {
    const { vocab, alphabetSize, merges } = trainWordPiece(HUGS, { vocabSize: 16 });
    // Characters by code point; ## only for characters seen after a word's start (not b, h, p).
    expect(vocab).toEqual([...SPECIALS, 'b', 'g', 'h', 'n', 'p', 's', 'u', '##g', '##n', '##s', '##u']);
    expect(alphabetSize).toBe(7);
    expect(merges).toBe(0);
  });

  it('makes the merges worked out by hand', () => {
    // Pairs: (##u,##g) 10+5+5=20, (##u,##n) 12+4=16, (p,##u) 17, (h,##u) 15, (##g,##s) 5, (b,##u) 4.
    // 1. ##u+##g (20) → ##ug. Now (h,##ug) 15, (p,##u) 12, (##u,##n) 16, (p,##ug) 5, (##ug,##s) 5.
    // 2. ##u+##n (16) → ##un. Now (p,##un) 12, (b,##un) 4.
    // 3. h+##ug (15) → hug; hugs is [hug, ##s]: (hug,##s) 5, (##ug,##s) 0.
    // 4. p+##un (12) → pun.
    // 5. tie at 5: (p,##ug) = (9,16) beats (hug,##s) = (18,14) on the smaller first id → pug.
    // 6. hug+##s (5) → hugs.  7. b+##un (4) → bun. Then no pair is left.
    const result = trainWordPiece(HUGS, { vocabSize: 100 });
    expect(result.vocab.slice(16)).toEqual(['##ug', '##un', 'hug', 'pun', 'pug', 'hugs', 'bun']);
    expect(result.vocab.indexOf('##ug')).toBe(16);
    expect(result.vocab.indexOf('bun')).toBe(22);
    expect(result.merges).toBe(7);
    expect(result.stoppedBy).toBe('minFrequency');

    // The size counts every token; min_frequency stops before the rarer pairs.
    expect(trainWordPiece(HUGS, { vocabSize: 19 }).vocab.slice(16)).toEqual(['##ug', '##un', 'hug']);
    const frequent = trainWordPiece(HUGS, { vocabSize: 100, minFrequency: 5 });
    expect(frequent.vocab.slice(16)).toEqual(['##ug', '##un', 'hug', 'pun', 'pug', 'hugs']);
    expect(frequent.stoppedBy).toBe('minFrequency');
  });

  it('updates the neighbours of every merged pair, and breaks ties on the smaller ids', () => {
    // abab ×3 = [a,##b,##a,##b], abc ×2 = [a,##b,##c], bc ×2 = [b,##c]; ids a 5, b 6, c 7, ##a 8, ##b 9, ##c 10.
    // 1. a+##b (5) → ab (11): (ab,##a) 3, (##a,##b) 3, (ab,##c) 2, (b,##c) 2, (##b,##a) and (##b,##c) 0.
    // 2. tie at 3: (##a,##b) = (8,9) before (ab,##a) = (11,8) → ##ab; abab is [ab,##ab].
    // 3. ab+##ab (3) → abab.  4. tie at 2: (b,##c) = (6,10) before (ab,##c) = (11,10) → bc.  5. abc.
    const { vocab } = trainWordPiece(new Map([['abab', 3], ['abc', 2], ['bc', 2]]), { vocabSize: 100 });
    expect(vocab.slice(5)).toEqual(['a', 'b', 'c', '##a', '##b', '##c', 'ab', '##ab', 'abab', 'bc', 'abc']);
  });

  it('agrees with a naive trainer that recounts every merge', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const counts = randomCounts(seed, 300);
      for (const [size, minFrequency] of [[40, 0], [120, 2], [400, 0]] as const) {
        const fast = trainWordPiece(counts, { vocabSize: size, minFrequency });
        expect(fast.vocab, `seed ${seed}, size ${size}`).toEqual(naiveTrain(counts, size, minFrequency));
      }
    }
  });

  it('keeps the most frequent characters with limitAlphabet, and skips words with others', () => {
    const counts = new Map([['aab', 10], ['ba', 8], ['zq', 1], ['az', 2]]);
    const { vocab, alphabetSize } = trainWordPiece(counts, { vocabSize: 100, limitAlphabet: 2 });
    expect(alphabetSize).toBe(2);
    expect(vocab.slice(5, 9)).toEqual(['a', 'b', '##a', '##b']);
    expect(vocab.some((t) => t.includes('z') || t.includes('q'))).toBe(false);
  });

  it('is deterministic and refuses a size below the initial vocabulary', () => {
    const counts = randomCounts(7, 500);
    // Same words in another insertion order: same vocabulary.
    const shuffled = new Map([...counts].reverse());
    expect(trainWordPiece(shuffled, { vocabSize: 200 }).vocab).toEqual(trainWordPiece(counts, { vocabSize: 200 }).vocab);
    expect(() => trainWordPiece(HUGS, { vocabSize: 10 })).toThrow(/a vocabulary of 10 tokens is smaller than the initial one \(16/);
  });
});

describe('WordCounter', () => {
  it('counts words after BERT basic tokenisation (lower-cased, accents stripped, punctuation split)', () => {
    const counter = new WordCounter();
    counter.add("Café, CAFÉ! Don't");
    counter.add('中国\u0000x');
    expect(Object.fromEntries(counter.counts)).toEqual({ cafe: 2, ',': 1, '!': 1, don: 1, "'": 1, t: 1, 中: 1, 国: 1, x: 1 });
    expect(counter.total).toBe(10);
  });
});

describe('a trained vocabulary in BertTokenizer', () => {
  const corpus = [
    'The fisherman sat on the bank of the river.',
    'I went to the bank to deposit my paycheck.',
    '',
    'Bats fly at night; the batter swung the bat.',
    'Naïve readers read the Réadme twice.',
  ];

  it('trains from a corpus folder, twice identically, and tokenises its words without [UNK]', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wb-wordpiece-'));
    writeFileSync(join(dir, 'b.txt'), corpus.slice(3).join('\n') + '\n');
    writeFileSync(join(dir, 'a.txt'), corpus.slice(0, 3).join('\n') + '\n');
    writeFileSync(join(dir, 'notes.md'), 'zzz ignored\n');
    const counter = countCorpusWords(dir);
    expect(counter.counts.has('zzz')).toBe(false);
    expect(counter.counts.get('naive')).toBe(1);
    expect(counter.counts.get('bank')).toBe(2);

    const first = trainWordPiece(counter.counts, { vocabSize: 80 });
    const second = trainWordPiece(countCorpusWords(dir).counts, { vocabSize: 80 });
    expect(second.vocab).toEqual(first.vocab);
    expect(first.vocab).toHaveLength(80);
    expect(first.vocab.slice(0, 5)).toEqual(SPECIALS);

    const tokenizer = BertTokenizer.fromVocab(first.vocab.join('\n') + '\n');
    expect([tokenizer.padTokenId, tokenizer.unkTokenId, tokenizer.clsTokenId, tokenizer.sepTokenId, tokenizer.maskTokenId]).toEqual([0, 1, 2, 3, 4]);
    for (const line of corpus) {
      const { tokens } = tokenizer.encode(line, { addSpecialTokens: false });
      expect(tokens, line).not.toContain('[UNK]');
      // The pieces spell the words the trainer counted.
      expect(tokens.join(' ').replace(/ ##/g, '')).toBe(basicTokenize(line).map((w) => w.text).join(' '));
    }
    // A character the corpus never had is unknown.
    expect(tokenizer.encode('bank ☃', { addSpecialTokens: false }).tokens).toEqual(['bank', '[UNK]']);
    expect(readdirSync(dir).sort()).toEqual(['a.txt', 'b.txt', 'notes.md']);
  });
});

describeShared(['data', 'corpora', 'open'], 'WordPiece on the open corpora', () => {
  it('trains an 8000-token vocabulary that covers the corpus', () => {
    const dir = sharedPath('data', 'corpora', 'open');
    const counter = countCorpusWords(dir);
    const result = trainWordPiece(counter.counts, { vocabSize: 8000, minFrequency: 2, limitAlphabet: 1000 });
    expect(result.vocab).toHaveLength(8000);
    expect(result.vocab.slice(0, 5)).toEqual(SPECIALS);
    expect(new Set(result.vocab).size).toBe(8000);
    expect(trainWordPiece(counter.counts, { vocabSize: 8000, minFrequency: 2, limitAlphabet: 1000 }).vocab).toEqual(result.vocab);

    const tokenizer = BertTokenizer.fromVocab(result.vocab.join('\n'));
    const file = join(dir, readdirSync(dir).filter((n) => n.endsWith('.txt')).sort()[0]);
    const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).slice(0, 2000);
    let tokens = 0;
    let unknown = 0;
    for (const line of lines) {
      const encoded = tokenizer.encode(line, { addSpecialTokens: false, truncation: false });
      tokens += encoded.ids.length;
      unknown += encoded.ids.filter((id) => id === tokenizer.unkTokenId).length;
    }
    expect(unknown / tokens).toBeLessThan(0.001);
  });
});
