/**
 * A stretch of text on its way through a tokenizer pipeline, with the span of the original text
 * that each of its UTF-16 units came from. Normalizers rewrite a piece, pre-tokenizers cut it up,
 * models split it into tokens; every token's offsets are read off these spans at the end, so the
 * offsets always index the text the caller gave, whatever was lower-cased, decomposed, replaced or
 * byte-mapped on the way (Hugging Face's `NormalizedString` alignments).
 *
 * A unit that no original character produced (a prepended "▁" or space) has an empty span at the
 * place it was inserted.
 */

export interface Piece {
  text: string;
  /** Original [starts[i], ends[i]) of unit i of `text`. */
  starts: number[];
  ends: number[];
}

/** `text[from, to)` as a piece of itself. */
export function pieceOf(text: string, from = 0, to = text.length): Piece {
  const starts: number[] = [];
  const ends: number[] = [];
  for (let i = from; i < to; i++) {
    // Both halves of a surrogate pair span the whole character.
    const code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < to) {
      starts.push(i, i);
      ends.push(i + 2, i + 2);
      i++;
    } else {
      starts.push(i);
      ends.push(i + 1);
    }
  }
  return { text: text.slice(from, to), starts, ends };
}

/** Units [from, to) of a piece. */
export function slicePiece(piece: Piece, from: number, to: number): Piece {
  return { text: piece.text.slice(from, to), starts: piece.starts.slice(from, to), ends: piece.ends.slice(from, to) };
}

/** The original span of units [from, to) (to > from), or the insertion point of an empty piece. */
export function spanOf(piece: Piece, from: number, to: number): [number, number] {
  if (to <= from) {
    const at = from < piece.starts.length ? piece.starts[from] : (piece.ends.at(-1) ?? 0);
    return [at, at];
  }
  let start = piece.starts[from];
  let end = piece.ends[to - 1];
  // A unit that was inserted has an empty span; widen over its neighbours inside the range.
  for (let i = from; i < to && piece.starts[i] === piece.ends[i]; i++) start = piece.starts[i + 1] ?? start;
  if (start > end) end = start;
  return [start, end];
}

/**
 * Rewrites a piece one group of units at a time: `groups` cuts `text` into consecutive
 * [start, end) ranges and `rewrite` gives each range's replacement, whose units all take the
 * range's original span. With one code point per group this is a character map (lower-casing);
 * with a starter and its combining marks per group it is a Unicode normalization form.
 */
export function rewritePiece(piece: Piece, groups: Array<[number, number]>, rewrite: (group: string) => string): Piece {
  const parts: string[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  for (const [from, to] of groups) {
    const output = rewrite(piece.text.slice(from, to));
    if (output.length === 0) continue;
    const [start, end] = spanOf(piece, from, to);
    parts.push(output);
    for (let u = 0; u < output.length; u++) {
      starts.push(start);
      ends.push(end);
    }
  }
  return { text: parts.join(''), starts, ends };
}

/** One group per code point. */
export function codePointGroups(text: string): Array<[number, number]> {
  const groups: Array<[number, number]> = [];
  for (let i = 0; i < text.length; ) {
    const width = text.codePointAt(i)! > 0xffff ? 2 : 1;
    groups.push([i, i + width]);
    i += width;
  }
  return groups;
}

// Marks, and the vowel and final jamo that compose with the Hangul before them.
const COMBINING_MARK = /[\p{M}\u1160-\u11ff\ud7b0-\ud7ff]/u;

/** One group per character with the combining marks (or Hangul jamo) that follow it: what NFC/NFKC compose. */
export function clusterGroups(text: string): Array<[number, number]> {
  const groups: Array<[number, number]> = [];
  for (const [from, to] of codePointGroups(text)) {
    const last = groups.at(-1);
    if (last && COMBINING_MARK.test(text.slice(from, to))) last[1] = to;
    else groups.push([from, to]);
  }
  return groups;
}

/** `prefix` + piece; the prefix's units have an empty span where the piece starts. */
export function prependToPiece(piece: Piece, prefix: string): Piece {
  const at = piece.starts[0] ?? 0;
  return {
    text: prefix + piece.text,
    starts: [...Array<number>(prefix.length).fill(at), ...piece.starts],
    ends: [...Array<number>(prefix.length).fill(at), ...piece.ends],
  };
}

/** Pieces joined end to end (spans kept). */
function concatPieces(pieces: Piece[]): Piece {
  return {
    text: pieces.map((p) => p.text).join(''),
    starts: pieces.flatMap((p) => p.starts),
    ends: pieces.flatMap((p) => p.ends),
  };
}

/**
 * Replaces every match of `pattern` (a global regex) by `content`; the content's units take the
 * span of what they replaced.
 */
export function replaceInPiece(piece: Piece, pattern: RegExp, content: string): Piece {
  const out: Piece[] = [];
  let at = 0;
  for (const match of piece.text.matchAll(pattern)) {
    const from = match.index!;
    const to = from + match[0].length;
    if (to === from) continue;
    out.push(slicePiece(piece, at, from));
    const [start, end] = spanOf(piece, from, to);
    out.push({ text: content, starts: Array<number>(content.length).fill(start), ends: Array<number>(content.length).fill(end) });
    at = to;
  }
  if (at === 0) return piece;
  out.push(slicePiece(piece, at, piece.text.length));
  return concatPieces(out);
}
