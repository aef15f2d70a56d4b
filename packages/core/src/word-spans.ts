/**
 * Finding a word among a model's tokens by character offsets, never by token string. WordPiece
 * may split *cup* into `cu ##p`, a cased model keeps *Cup* apart from *cup*, and ELMo's words are
 * whole: only the offsets (which characters of the text each token or word covers) say the same
 * thing for every tokenizer. The helpers work on any list of `[start, end)` offsets: BERT's
 * `Encoding.offsets`, the `offsets` of `wb embed` rows, ELMo's word spans.
 */

/** A run of characters `[start, end)` of a text (UTF-16 offsets, as JavaScript strings index). */
export interface CharSpan {
  start: number;
  end: number;
}

/**
 * The span of the `occurrence`-th (from 0) whole-word, case-insensitive match of `word` in `text`.
 * Whole-word: no letter or digit right before or after, so *cup* is not found in *cupboard*.
 */
export function findSpan(text: string, word: string, occurrence = 0): CharSpan {
  if (word === '') throw new Error('findSpan: the word is empty');
  const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, 'giu');
  const matches = [...text.matchAll(pattern)];
  if (matches.length <= occurrence) {
    const found = matches.length === 0 ? 'it does not occur' : `it occurs ${matches.length} time(s)`;
    throw new Error(`"${word}" as a whole word: wanted occurrence ${occurrence + 1}, but ${found} in "${text}"`);
  }
  const start = matches[occurrence].index!;
  return { start, end: start + matches[occurrence][0].length };
}

/**
 * Indices of the tokens whose characters lie wholly inside `span`. Tokens with empty offsets
 * ([CLS], [SEP], padding, which cover no characters) are never in a span. Empty when the span
 * cuts through a token or covers none. Given the `text`, a token's leading whitespace does not
 * count: byte-level BPE tokens (RoBERTa's, GPT-2's `Ġcup`) may carry the space before the word.
 */
export function tokensInSpan(offsets: ReadonlyArray<readonly [number, number]>, span: CharSpan, text?: string): number[] {
  const inside: number[] = [];
  offsets.forEach(([from, end], i) => {
    let start = from;
    if (text !== undefined) while (start < end && /\s/.test(text[start])) start++;
    if (end > start && start >= span.start && end <= span.end) inside.push(i);
  });
  return inside;
}

/**
 * The tokens of the `occurrence`-th whole-word match of `word` in `text`, found by offsets:
 * `findTokens(text, encoding.offsets, 'cup')` is `[9, 10]` when *cup* became `cu ##p` there.
 */
export function findTokens(text: string, offsets: ReadonlyArray<readonly [number, number]>, word: string, occurrence = 0): number[] {
  const span = findSpan(text, word, occurrence);
  const tokens = tokensInSpan(offsets, span, text);
  if (tokens.length === 0) {
    throw new Error(`no token lies inside characters ${span.start}–${span.end} ("${text.slice(span.start, span.end)}") of "${text}"`);
  }
  return tokens;
}

/** The mean of `rows` at `indices`: a word's vector from its pieces' vectors (one row per token). */
export function meanOfRows(rows: ArrayLike<ArrayLike<number>>, indices: readonly number[]): Float32Array {
  if (indices.length === 0) throw new Error('meanOfRows: no rows to average');
  const dim = rows[indices[0]].length;
  const mean = new Float32Array(dim);
  for (const i of indices) {
    const row = rows[i];
    if (row.length !== dim) throw new Error(`meanOfRows: row ${i} has ${row.length} values, row ${indices[0]} has ${dim}`);
    for (let d = 0; d < dim; d++) mean[d] += row[d];
  }
  for (let d = 0; d < dim; d++) mean[d] /= indices.length;
  return mean;
}
