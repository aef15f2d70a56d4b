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
  /** The distinct first characters: the search jumps between them with indexOf. */
  private readonly firstChars: string[];

  /** `tokens` with the text to look for in each (its content, or its normalized content). */
  constructor(tokens: ReadonlyArray<{ content: string; token: AddedToken }>) {
    for (const entry of tokens) {
      if (entry.content.length === 0) continue;
      const first = entry.content.charCodeAt(0);
      const list = this.byFirstUnit.get(first) ?? [];
      list.push(entry);
      list.sort((a, b) => b.content.length - a.content.length);
      this.byFirstUnit.set(first, list);
    }
    this.firstChars = [...this.byFirstUnit.keys()].map((unit) => String.fromCharCode(unit));
  }

  /** Every match in `text[from, to)`, left to right, the longest where several start at one place. */
  find(text: string, from = 0, to = text.length): AddedTokenMatch[] {
    const matches: AddedTokenMatch[] = [];
    for (let i = this.nextCandidate(text, from); i < to; i = this.nextCandidate(text, i)) {
      const candidates = this.byFirstUnit.get(text.charCodeAt(i))!;
      const hit = candidates.find((c) => i + c.content.length <= to && text.startsWith(c.content, i));
      if (hit) {
        matches.push({ token: hit.token, start: i, end: i + hit.content.length });
        i += hit.content.length;
      } else {
        i++;
      }
    }
    return matches;
  }

  /** The first index at or after `from` holding the first character of some token, or Infinity. */
  private nextCandidate(text: string, from: number): number {
    let next = Infinity;
    for (const char of this.firstChars) {
      const at = text.indexOf(char, from);
      if (at >= 0 && at < next) next = at;
    }
    return next;
  }
}
