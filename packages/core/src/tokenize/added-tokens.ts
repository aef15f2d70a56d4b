/**
 * Added tokens ([CLS], [SEP], [MASK] … and any token a tokenizer.json adds) are found in the text
 * before anything else happens to it, and are kept whole: never lower-cased, never split. Like
 * Hugging Face's `AddedVocabulary`, matching is leftmost-longest and may start inside a word
 * ("x[MASK]y" is "x", "[MASK]", "y").
 */

export interface AddedToken {
  id: number;
  content: string;
  /** Special tokens are dropped by `decode(ids, { skipSpecialTokens: true })`. */
  special: boolean;
  /** Matched in the normalized text (after lower-casing …) rather than in the original. */
  normalized: boolean;
}

/** A found token: `[start, end)` in the searched string. */
export interface AddedTokenMatch {
  token: AddedToken;
  start: number;
  end: number;
}

export class AddedTokenMatcher {
  /** Candidates by their first UTF-16 unit, longest first. */
  private readonly byFirstUnit = new Map<number, Array<{ content: string; token: AddedToken }>>();
  /** Whether a token starts with unit c, for c < 128: most text is ASCII and has no '[' at all. */
  private readonly asciiFirst = new Uint8Array(128);

  /** `tokens` with the text to look for in each (its content, or its normalized content). */
  constructor(tokens: ReadonlyArray<{ content: string; token: AddedToken }>) {
    for (const entry of tokens) {
      if (entry.content.length === 0) continue;
      const first = entry.content.charCodeAt(0);
      const list = this.byFirstUnit.get(first) ?? [];
      list.push(entry);
      list.sort((a, b) => b.content.length - a.content.length);
      this.byFirstUnit.set(first, list);
      if (first < 128) this.asciiFirst[first] = 1;
    }
  }

  get isEmpty(): boolean {
    return this.byFirstUnit.size === 0;
  }

  /** Every match in `text[from, to)`, left to right, the longest where several start at one place. */
  find(text: string, from = 0, to = text.length): AddedTokenMatch[] {
    const matches: AddedTokenMatch[] = [];
    if (this.isEmpty) return matches;
    for (let i = from; i < to; ) {
      const unit = text.charCodeAt(i);
      if (unit < 128 && this.asciiFirst[unit] === 0) {
        i++;
        continue;
      }
      const candidates = this.byFirstUnit.get(unit);
      const hit = candidates?.find((c) => i + c.content.length <= to && text.startsWith(c.content, i));
      if (hit) {
        matches.push({ token: hit.token, start: i, end: i + hit.content.length });
        i += hit.content.length;
      } else {
        i++;
      }
    }
    return matches;
  }
}
