/**
 * WordPiece (Hugging Face `WordpieceTokenizer` / the `WordPiece` model): split one word into the
 * longest vocabulary entry from its start, then the longest `##`-prefixed entry from where that
 * ended, and so on. A word with a part that matches nothing, or longer than
 * `maxInputCharsPerWord` characters, becomes a single `[UNK]`.
 */

export interface WordpieceOptions {
  unkToken?: string;
  continuingSubwordPrefix?: string;
  maxInputCharsPerWord?: number;
}

/** Pieces of words, appended to parallel arrays: id and [start, end) in the word's UTF-16 units. */
export interface Pieces {
  ids: number[];
  starts: number[];
  ends: number[];
}

export class WordpieceTokenizer {
  readonly unkToken: string;
  readonly unkTokenId: number;
  readonly continuingSubwordPrefix: string;
  readonly maxInputCharsPerWord: number;
  /** Pieces that may continue a word, by their text without the prefix ("##ing" under "ing"). */
  private readonly continuing = new Map<string, number>();
  /** Longest key (in UTF-16 units) of each map: no longer substring needs a lookup. */
  private readonly maxFirstLength: number;
  private readonly maxContinuingLength: number;

  /** `vocab` maps every token, "##" pieces included, to its id. */
  constructor(
    private readonly vocab: ReadonlyMap<string, number>,
    options: WordpieceOptions = {},
  ) {
    this.unkToken = options.unkToken ?? '[UNK]';
    this.continuingSubwordPrefix = options.continuingSubwordPrefix ?? '##';
    this.maxInputCharsPerWord = options.maxInputCharsPerWord ?? 100;
    const unk = vocab.get(this.unkToken);
    if (unk === undefined) throw new Error(`WordPiece: the unknown token ${this.unkToken} is not in the vocabulary`);
    this.unkTokenId = unk;
    let maxFirst = 0;
    let maxContinuing = 0;
    const prefix = this.continuingSubwordPrefix;
    for (const [token, id] of vocab) {
      maxFirst = Math.max(maxFirst, token.length);
      if (token.startsWith(prefix)) {
        const rest = token.slice(prefix.length);
        this.continuing.set(rest, id);
        maxContinuing = Math.max(maxContinuing, rest.length);
      }
    }
    this.maxFirstLength = maxFirst;
    this.maxContinuingLength = maxContinuing;
  }

  /** Appends the pieces of `word` to `out`. */
  tokenize(word: string, out: Pieces): void {
    const length = word.length;
    if (length > this.maxInputCharsPerWord && countCodePoints(word) > this.maxInputCharsPerWord) {
      this.pushUnk(length, out);
      return;
    }
    const mark = out.ids.length;
    let start = 0;
    while (start < length) {
      const lookup = start === 0 ? this.vocab : this.continuing;
      let end = Math.min(length, start + (start === 0 ? this.maxFirstLength : this.maxContinuingLength));
      let id: number | undefined;
      for (; end > start; end--) {
        // Never cut a surrogate pair: pieces are whole characters.
        if (end < length && isLowSurrogate(word.charCodeAt(end)) && isHighSurrogate(word.charCodeAt(end - 1))) continue;
        id = lookup.get(start === 0 && end === length ? word : word.slice(start, end));
        if (id !== undefined) break;
      }
      if (id === undefined) {
        // One part of the word matches nothing: the whole word is unknown, as in HF.
        out.ids.length = out.starts.length = out.ends.length = mark;
        this.pushUnk(length, out);
        return;
      }
      out.ids.push(id);
      out.starts.push(start);
      out.ends.push(end);
      start = end;
    }
  }

  private pushUnk(length: number, out: Pieces): void {
    out.ids.push(this.unkTokenId);
    out.starts.push(0);
    out.ends.push(length);
  }
}

function isHighSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff;
}

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}

function countCodePoints(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    if (!(isLowSurrogate(text.charCodeAt(i)) && i > 0 && isHighSurrogate(text.charCodeAt(i - 1)))) n++;
  }
  return n;
}
