/**
 * Byte-pair encoding (Sennrich et al. 2016), as Hugging Face's `BPE` model applies it to one word:
 * start from its characters, then repeatedly merge the adjacent pair with the lowest merge rank
 * (the leftmost one on a tie) until no listed merge applies. Characters missing from the vocabulary
 * become `<0xXX>` byte tokens (`byte_fallback`) or the unknown token (consecutive ones fused when
 * `fuse_unk`). GPT-2 and RoBERTa run it over byte-level characters (`byte-level.ts`), where nothing
 * is ever missing.
 */
import type { Pieces } from './wordpiece.js';

interface BpeOptions {
  unkToken?: string | null;
  /** Put before every piece but the first of a word (HF `continuing_subword_prefix`). */
  continuingSubwordPrefix?: string | null;
  /** Put after the last piece of a word (HF `end_of_word_suffix`). */
  endOfWordSuffix?: string | null;
  fuseUnk?: boolean;
  byteFallback?: boolean;
  /** A word that is in the vocabulary as a whole is one token, merges or not (HF `ignore_merges`). */
  ignoreMerges?: boolean;
}

interface Symbol {
  id: number;
  start: number;
  end: number;
}

const encoder = new TextEncoder();

export class BpeModel {
  readonly unkToken: string | null;
  private readonly vocab: ReadonlyMap<string, number>;
  private readonly tokens: string[] = [];
  /** (left id, right id) → rank and merged id. */
  private readonly merges = new Map<number, { rank: number; id: number }>();
  private readonly prefix: string;
  private readonly suffix: string;
  private readonly options: BpeOptions;
  private readonly cache = new Map<string, Symbol[]>();

  /** `merges` in rank order, as merges.txt lists them ("a b" per line, without the #version line). */
  constructor(vocab: ReadonlyMap<string, number>, merges: ReadonlyArray<readonly [string, string]>, options: BpeOptions = {}) {
    this.vocab = vocab;
    this.options = options;
    this.unkToken = options.unkToken ?? null;
    this.prefix = options.continuingSubwordPrefix ?? '';
    this.suffix = options.endOfWordSuffix ?? '';
    for (const [token, id] of vocab) this.tokens[id] = token;
    merges.forEach(([a, b], rank) => {
      const left = vocab.get(a);
      const right = vocab.get(b);
      const merged = a + (this.prefix && b.startsWith(this.prefix) ? b.slice(this.prefix.length) : b);
      const id = vocab.get(merged);
      if (left === undefined || right === undefined || id === undefined) {
        const missing = [a, b, merged].filter((t) => !vocab.has(t));
        throw new Error(`merge ${rank + 1} "${a} ${b}": ${missing.map((t) => JSON.stringify(t)).join(', ')} not in the vocabulary`);
      }
      const key = this.pairKey(left, right);
      // The first (lowest-ranked) listing of a pair wins, as in HF.
      if (!this.merges.has(key)) this.merges.set(key, { rank, id });
    });
  }

  get vocabSize(): number {
    return this.tokens.length;
  }

  tokenToId(token: string): number | undefined {
    return this.vocab.get(token);
  }

  idToToken(id: number): string | undefined {
    return this.tokens[id];
  }

  /** Appends the tokens of `word`, with their [start, end) in its UTF-16 units. */
  tokenize(word: string, out: Pieces): void {
    if (word.length === 0) return;
    let symbols = this.cache.get(word);
    if (symbols === undefined) {
      symbols = this.merge(word);
      if (this.cache.size > 50_000) this.cache.clear();
      this.cache.set(word, symbols);
    }
    for (const s of symbols) {
      out.ids.push(s.id);
      out.starts.push(s.start);
      out.ends.push(s.end);
    }
  }

  private merge(word: string): Symbol[] {
    if (this.options.ignoreMerges) {
      const whole = this.vocab.get(word);
      if (whole !== undefined) return [{ id: whole, start: 0, end: word.length }];
    }
    const symbols = this.initialSymbols(word);
    for (;;) {
      let best = -1;
      let bestRank = Infinity;
      let bestId = -1;
      for (let i = 0; i + 1 < symbols.length; i++) {
        const merge = this.merges.get(this.pairKey(symbols[i].id, symbols[i + 1].id));
        if (merge && merge.rank < bestRank) {
          best = i;
          bestRank = merge.rank;
          bestId = merge.id;
        }
      }
      if (best < 0) return symbols;
      symbols.splice(best, 2, { id: bestId, start: symbols[best].start, end: symbols[best + 1].end });
    }
  }

  /** One symbol per character (with prefix/suffix), byte tokens or the unknown token where the vocabulary lacks one. */
  private initialSymbols(word: string): Symbol[] {
    const symbols: Symbol[] = [];
    let lastWasUnk = false;
    for (let i = 0; i < word.length; ) {
      const width = word.codePointAt(i)! > 0xffff ? 2 : 1;
      const char = word.slice(i, i + width);
      const end = i + width;
      const token = (i > 0 ? this.prefix : '') + char + (end === word.length ? this.suffix : '');
      const id = this.vocab.get(token);
      if (id !== undefined) {
        symbols.push({ id, start: i, end });
        lastWasUnk = false;
      } else if (this.options.byteFallback && this.pushBytes(char, i, end, symbols)) {
        lastWasUnk = false;
      } else if (this.unkToken !== null) {
        const unk = this.vocab.get(this.unkToken);
        if (unk === undefined) throw new Error(`BPE: the unknown token ${this.unkToken} is not in the vocabulary`);
        if (lastWasUnk && this.options.fuseUnk) symbols[symbols.length - 1].end = end;
        else symbols.push({ id: unk, start: i, end });
        lastWasUnk = true;
      }
      i = end;
    }
    return symbols;
  }

  private pushBytes(char: string, start: number, end: number, symbols: Symbol[]): boolean {
    const ids = [...encoder.encode(char)].map((b) => this.vocab.get(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`));
    if (ids.some((id) => id === undefined)) return false;
    for (const id of ids) symbols.push({ id: id!, start, end });
    return true;
  }

  private pairKey(left: number, right: number): number {
    return left * 0x1000000 + right;
  }
}

/** merges.txt: "a b" per line, after an optional "#version" line. */
export function parseMerges(text: string, where = 'merges.txt'): Array<[string, string]> {
  const merges: Array<[string, string]> = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line === '' || (index === 0 && line.startsWith('#version'))) return;
    const parts = line.split(' ');
    if (parts.length !== 2 || !parts[0] || !parts[1]) {
      throw new Error(`${where}:${index + 1}: expected two tokens separated by one space, got ${JSON.stringify(line)}`);
    }
    merges.push([parts[0], parts[1]]);
  });
  return merges;
}
