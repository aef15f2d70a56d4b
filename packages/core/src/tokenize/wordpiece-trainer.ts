/**
 * Training a WordPiece vocabulary (browser-safe), the way Hugging Face's `tokenizers` does it:
 * `WordPieceTrainer` is its BPE trainer with `continuing_subword_prefix = "##"`. Words are
 * counted after BERT's basic tokenisation (the same `basicTokenize` the shipped tokenizer uses, so
 * training and tokenising split text identically), each word starts as its characters (the
 * non-initial ones as `##c`), and the most frequent adjacent pair is merged until the vocabulary
 * has the requested size. The vocabulary is the result; the merges are not kept (WordPiece
 * tokenises greedily, longest match first, from the vocabulary alone).
 *
 * Differences from HF, all for determinism or to avoid wasted merges:
 * - ties (same pair count) go to the pair with the smaller ids, as in HF, but the `##c` tokens
 *   and the alphabet are ordered deterministically (HF orders `##c` by hash-map iteration);
 * - a word holding a character left out of the alphabet (`limitAlphabet`) is not used for
 *   merges: the tokenizer maps such a word to [UNK] whole, so its pairs would be wasted (HF drops
 *   the character and merges across the gap);
 * - a pair's word index is exact, so a pair is merged once everywhere (HF's queue entries can
 *   carry a partial word set and repeat a merge).
 */
import { BasicTokenizer, splitWords, type BasicTokenizerOptions } from './basic.js';

const WORDPIECE_SPECIAL_TOKENS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'] as const;

export interface WordPieceTrainerOptions {
  /** Stop when the vocabulary has this many tokens (special tokens included). */
  vocabSize: number;
  /** A merge needs its pair to occur at least this often (HF `min_frequency`). Default 0. */
  minFrequency?: number;
  /** Keep only this many characters, the most frequent (HF `limit_alphabet`). Default: all. */
  limitAlphabet?: number;
  /** Tokens at ids 0…, before the alphabet. Default [PAD] [UNK] [CLS] [SEP] [MASK]. */
  specialTokens?: readonly string[];
  /** Default "##". */
  continuingSubwordPrefix?: string;
  /** Characters that are in the alphabet whether the words have them or not (byte-level BPE's 256). */
  initialAlphabet?: readonly string[];
}

export interface WordPieceTrainingResult {
  /** The tokens in id order: what vocab.txt lists, one per line. */
  vocab: string[];
  /** Characters in the alphabet (single-character tokens). */
  alphabetSize: number;
  /** Merges made; can exceed the tokens added, as two pairs can spell the same token ("a"+"##bc", "ab"+"##c"). */
  merges: number;
  /** The merged pairs in order, as tokens (what a BPE merges.txt lists). */
  mergedPairs: Array<[string, string]>;
  /** Why training stopped: the size was reached, or no pair was frequent enough. */
  stoppedBy: 'vocabSize' | 'minFrequency';
}

/**
 * Word frequencies of a corpus, after BERT's basic tokenisation (lower-cased, accents stripped by
 * default). Feed it text line by line.
 */
export class WordCounter {
  readonly counts = new Map<string, number>();
  /** Words seen, with repetitions. */
  total = 0;
  private readonly basic: BasicTokenizer;

  constructor(options: BasicTokenizerOptions = { lowerCase: true }) {
    this.basic = new BasicTokenizer(options);
  }

  /**
   * Counts the words of `text`. This is `basicTokenize(text, options)` without building the
   * offsets, which the counts do not need and which would dominate the time on a large corpus.
   */
  add(text: string): void {
    const normalized = this.basic.normalizer.normalize(text).normalized;
    const counts = this.counts;
    let total = 0;
    splitWords(normalized, 0, normalized.length, (a, b) => {
      const word = normalized.slice(a, b);
      counts.set(word, (counts.get(word) ?? 0) + 1);
      total++;
    });
    this.total += total;
  }
}

/** A pair of token ids as one number (ids stay far below 2^21). */
const PAIR_SHIFT = 2 ** 21;
const pairKey = (a: number, b: number): number => a * PAIR_SHIFT + b;

interface PairStats {
  count: number;
  /** Words that contain (or once contained) the pair; a superset is fine, merging is then a no-op. */
  words: Set<number>;
}

/**
 * A max-heap of (count, a, b): higher count first, then smaller a, then smaller b. Entries go
 * stale when a pair's count changes; the trainer checks each popped entry against the live count.
 */
class PairQueue {
  private readonly counts: number[] = [];
  private readonly as: number[] = [];
  private readonly bs: number[] = [];

  get size(): number {
    return this.counts.length;
  }

  private before(i: number, j: number): boolean {
    const c = this.counts;
    if (c[i] !== c[j]) return c[i] > c[j];
    if (this.as[i] !== this.as[j]) return this.as[i] < this.as[j];
    return this.bs[i] < this.bs[j];
  }

  private swap(i: number, j: number): void {
    const { counts, as, bs } = this;
    [counts[i], counts[j]] = [counts[j], counts[i]];
    [as[i], as[j]] = [as[j], as[i]];
    [bs[i], bs[j]] = [bs[j], bs[i]];
  }

  push(count: number, a: number, b: number): void {
    let i = this.counts.length;
    this.counts.push(count);
    this.as.push(a);
    this.bs.push(b);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  /** Removes the top entry and returns it as [count, a, b]. */
  pop(): [number, number, number] {
    const top: [number, number, number] = [this.counts[0], this.as[0], this.bs[0]];
    const last = this.counts.length - 1;
    this.swap(0, last);
    this.counts.pop();
    this.as.pop();
    this.bs.pop();
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let best = i;
      if (l < last && this.before(l, best)) best = l;
      if (r < last && this.before(r, best)) best = r;
      if (best === i) break;
      this.swap(i, best);
      i = best;
    }
    return top;
  }
}

/** Code-point order, so the vocabulary does not depend on the corpus' file or word order. */
const byCodePoint = (x: string, y: string): number => x.codePointAt(0)! - y.codePointAt(0)!;

/**
 * Trains a WordPiece vocabulary from word counts (`WordCounter.counts`, or any word → count map;
 * words are taken as given, already normalized and split).
 */
export function trainWordPiece(wordCounts: ReadonlyMap<string, number>, options: WordPieceTrainerOptions): WordPieceTrainingResult {
  const { vocabSize } = options;
  const minFrequency = options.minFrequency ?? 0;
  const specials = options.specialTokens ?? WORDPIECE_SPECIAL_TOKENS;
  const prefix = options.continuingSubwordPrefix ?? '##';
  if (!Number.isInteger(vocabSize) || vocabSize <= 0) throw new Error(`vocabSize should be a positive integer, not ${vocabSize}`);
  if (vocabSize >= PAIR_SHIFT) throw new Error(`vocabSize ${vocabSize} is too large (at most ${PAIR_SHIFT - 1})`);
  if (new Set(specials).size !== specials.length) throw new Error(`special tokens repeat: ${specials.join(' ')}`);

  // The alphabet: every character, weighted by the counts of the words it occurs in.
  const charCounts = new Map<string, number>();
  for (const [word, count] of wordCounts) {
    for (const c of word) charCounts.set(c, (charCounts.get(c) ?? 0) + count);
  }
  let alphabet = [...charCounts.keys()];
  if (options.limitAlphabet !== undefined && alphabet.length > options.limitAlphabet) {
    // Keep the most frequent; among equal counts, the lower code points (HF's order is unspecified there).
    alphabet.sort((x, y) => charCounts.get(y)! - charCounts.get(x)! || byCodePoint(x, y));
    alphabet = alphabet.slice(0, options.limitAlphabet);
  }
  alphabet = [...new Set([...alphabet, ...(options.initialAlphabet ?? [])])];
  alphabet.sort(byCodePoint);

  const vocab: string[] = [...specials];
  const ids = new Map<string, number>(vocab.map((token, id) => [token, id]));
  const addToken = (token: string): number => {
    let id = ids.get(token);
    if (id === undefined) {
      id = vocab.length;
      vocab.push(token);
      ids.set(token, id);
    }
    return id;
  };
  for (const c of alphabet) addToken(c);
  const inAlphabet = new Set(alphabet);

  // The `##c` forms, for the characters that occur after the start of some word.
  const continuing = new Set<string>();
  for (const word of wordCounts.keys()) {
    let first = true;
    for (const c of word) {
      if (!first && inAlphabet.has(c)) continuing.add(c);
      first = false;
    }
  }
  for (const c of [...continuing].sort(byCodePoint)) addToken(prefix + c);

  const initialSize = vocab.length;
  if (initialSize > vocabSize) {
    throw new Error(
      `a vocabulary of ${vocabSize} tokens is smaller than the initial one (${initialSize}: ${specials.length} special tokens, ` +
        `${alphabet.length} characters and ${continuing.size} ${prefix}-forms); raise the size or limit the alphabet`,
    );
  }

  // Every word as token ids, in a fixed order (sorted) so that word indices are reproducible.
  const words: number[][] = [];
  const counts: number[] = [];
  const sortedWords = [...wordCounts.keys()].sort();
  outer: for (const word of sortedWords) {
    const count = wordCounts.get(word)!;
    if (count <= 0) continue;
    const symbols: number[] = [];
    let first = true;
    for (const c of word) {
      if (!inAlphabet.has(c)) continue outer;
      symbols.push(ids.get(first ? c : prefix + c)!);
      first = false;
    }
    if (symbols.length > 0) {
      words.push(symbols);
      counts.push(count);
    }
  }

  // Pair counts and the words each pair occurs in.
  const pairs = new Map<number, PairStats>();
  const statsOf = (key: number): PairStats => {
    let stats = pairs.get(key);
    if (stats === undefined) {
      stats = { count: 0, words: new Set() };
      pairs.set(key, stats);
    }
    return stats;
  };
  words.forEach((symbols, w) => {
    for (let i = 0; i + 1 < symbols.length; i++) {
      const stats = statsOf(pairKey(symbols[i], symbols[i + 1]));
      stats.count += counts[w];
      stats.words.add(w);
    }
  });
  const queue = new PairQueue();
  for (const [key, stats] of pairs) {
    if (stats.count > 0) queue.push(stats.count, Math.floor(key / PAIR_SHIFT), key % PAIR_SHIFT);
  }

  let merges = 0;
  const mergedPairs: Array<[string, string]> = [];
  let stoppedBy: WordPieceTrainingResult['stoppedBy'] = 'vocabSize';
  // Pairs whose count grew during one merge; they get a fresh queue entry with their final count.
  const grown = new Set<number>();
  while (vocab.length < vocabSize) {
    if (queue.size === 0) {
      stoppedBy = 'minFrequency';
      break;
    }
    const [queued, a, b] = queue.pop();
    const key = pairKey(a, b);
    const stats = pairs.get(key);
    const live = stats?.count ?? 0;
    if (queued !== live) {
      // Stale: the count fell since this entry was queued. Requeue with the live count.
      if (live > 0) queue.push(live, a, b);
      continue;
    }
    // The top pair is the most frequent one left: if it is too rare, so are all the others.
    if (live <= 0 || live < minFrequency) {
      stoppedBy = 'minFrequency';
      break;
    }

    const tokenB = vocab[b];
    const merged = addToken(vocab[a] + (tokenB.startsWith(prefix) ? tokenB.slice(prefix.length) : tokenB));
    merges++;
    mergedPairs.push([vocab[a], tokenB]);

    const change = (x: number, y: number, delta: number, w: number): void => {
      const k = pairKey(x, y);
      const s = statsOf(k);
      s.count += delta;
      if (delta > 0) {
        s.words.add(w);
        grown.add(k);
      }
    };
    for (const w of stats!.words) {
      const symbols = words[w];
      const count = counts[w];
      // Left to right, as HF's Word::merge: after a merge at i the next candidate starts at i + 1,
      // so in "a b a b" both pairs merge and the second sees the first merged token on its left.
      for (let i = 0; i + 1 < symbols.length; i++) {
        if (symbols[i] !== a || symbols[i + 1] !== b) continue;
        if (i > 0) {
          change(symbols[i - 1], a, -count, w);
          change(symbols[i - 1], merged, count, w);
        }
        if (i + 2 < symbols.length) {
          change(b, symbols[i + 2], -count, w);
          change(merged, symbols[i + 2], count, w);
        }
        symbols.splice(i, 2, merged);
      }
    }
    // Every occurrence is merged now (the word index is exact), so the pair is gone.
    pairs.delete(key);
    grown.delete(key);
    for (const k of grown) {
      const s = pairs.get(k)!;
      if (s.count > 0) queue.push(s.count, Math.floor(k / PAIR_SHIFT), k % PAIR_SHIFT);
    }
    grown.clear();
  }

  return { vocab, alphabetSize: alphabet.length, merges, mergedPairs, stoppedBy };
}
