/**
 * The pre-tokenizers of a Hugging Face `tokenizer.json` (`pre_tokenizer`): each cuts a piece into
 * the words the model then splits on its own, keeping the original spans. The types are those of
 * the `tokenizers` library: BertPreTokenizer, ByteLevel, Metaspace, Whitespace, WhitespaceSplit,
 * Split, Punctuation, Digits and Sequence.
 */
import { splitWords } from './basic.js';
import { splitGpt2, toByteLevel } from './byte-level.js';
import { isPunctuation } from './chars.js';
import { patternOf } from './normalizers.js';
import { prependToPiece, replaceInPiece, slicePiece, type Piece } from './piece.js';

interface PreTokenizeContext {
  /** Which stretch of the text between added tokens this is (0 for the first). */
  sectionIndex: number;
}

export type PreTokenize = (piece: Piece, context: PreTokenizeContext) => Piece[];

export interface PreTokenizerJson {
  type: string;
  [key: string]: unknown;
}

type Behavior = 'removed' | 'isolated' | 'merged_with_previous' | 'merged_with_next' | 'contiguous';

// Rust's regex `\w`, which is Unicode-aware (JS's `\w` is ASCII only).
const WORD_CHAR = '\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}\\p{Join_Control}';
const WHITESPACE_WORDS = new RegExp(`[${WORD_CHAR}]+|[^${WORD_CHAR}\\s]+`, 'gu');
const NON_WHITESPACE = /[^\p{White_Space}]+/gu;
const DIGIT = /\p{Nd}/u;

/** The pre-tokenizer a tokenizer.json describes; `where` names the file in errors. */
export function preTokenizerFromJson(json: PreTokenizerJson, where: string): PreTokenize {
  switch (json.type) {
    case 'Sequence': {
      const raw = json.pretokenizers;
      if (!Array.isArray(raw)) throw new Error(`${where}: pre_tokenizer Sequence needs "pretokenizers"`);
      const steps = raw.map((step) => preTokenizerFromJson(step as PreTokenizerJson, where));
      return (piece, context) => steps.reduce<Piece[]>((pieces, step) => pieces.flatMap((p) => step(p, context)), [piece]);
    }
    case 'BertPreTokenizer':
      return (piece) => {
        const out: Piece[] = [];
        splitWords(piece.text, 0, piece.text.length, (from, to) => out.push(slicePiece(piece, from, to)));
        return out;
      };
    case 'Whitespace':
      return (piece) => matchesOf(piece, WHITESPACE_WORDS);
    case 'WhitespaceSplit':
      return (piece) => matchesOf(piece, NON_WHITESPACE);
    case 'ByteLevel': {
      const addPrefixSpace = (json.add_prefix_space as boolean | undefined) ?? true;
      const useRegex = (json.use_regex as boolean | undefined) ?? true;
      return (piece) => {
        const spaced = addPrefixSpace && !piece.text.startsWith(' ') ? prependToPiece(piece, ' ') : piece;
        return (useRegex ? splitGpt2(spaced) : [spaced]).map(toByteLevel);
      };
    }
    case 'Metaspace': {
      const replacement = typeof json.replacement === 'string' ? json.replacement : '\u2581';
      const scheme = metaspaceScheme(json);
      const split = (json.split as boolean | undefined) ?? true;
      const space = / /gu;
      return (piece, context) => {
        let p = replaceInPiece(piece, space, replacement);
        const prepend = scheme === 'always' || (scheme === 'first' && context.sectionIndex === 0);
        if (prepend && !p.text.startsWith(replacement)) p = prependToPiece(p, replacement);
        if (!split) return [p];
        return splitBy(p, delimiters(p, (c) => c === replacement), 'merged_with_next');
      };
    }
    case 'Split': {
      const pattern = patternOf(json.pattern, where);
      const behavior = behaviorOf(json.behavior, where);
      const invert = (json.invert as boolean | undefined) ?? false;
      return (piece) => {
        const found: Array<[number, number]> = [];
        for (const m of piece.text.matchAll(pattern)) if (m[0].length > 0) found.push([m.index!, m.index! + m[0].length]);
        return splitBy(piece, invert ? complement(found, piece.text.length) : found, behavior);
      };
    }
    case 'Punctuation': {
      const behavior = behaviorOf(json.behavior ?? 'Isolated', where);
      return (piece) => splitBy(piece, delimiters(piece, (c) => isPunctuation(c.codePointAt(0)!)), behavior);
    }
    case 'Digits': {
      const individual = (json.individual_digits as boolean | undefined) ?? false;
      return (piece) => splitBy(piece, delimiters(piece, (c) => DIGIT.test(c)), individual ? 'isolated' : 'contiguous');
    }
    default:
      throw new Error(`${where}: pre_tokenizer "${json.type}" is not supported`);
  }
}

/** Metaspace's prepend_scheme, or the older add_prefix_space flag. */
function metaspaceScheme(json: PreTokenizerJson): 'always' | 'first' | 'never' {
  if (json.prepend_scheme === 'first' || json.prepend_scheme === 'never' || json.prepend_scheme === 'always') return json.prepend_scheme;
  return json.add_prefix_space === false ? 'never' : 'always';
}

function behaviorOf(value: unknown, where: string): Behavior {
  const name = String(value)
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
  if (['removed', 'isolated', 'merged_with_previous', 'merged_with_next', 'contiguous'].includes(name)) return name as Behavior;
  throw new Error(`${where}: split behavior ${JSON.stringify(value)} is not one of Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous`);
}

function matchesOf(piece: Piece, pattern: RegExp): Piece[] {
  const out: Piece[] = [];
  for (const m of piece.text.matchAll(pattern)) out.push(slicePiece(piece, m.index!, m.index! + m[0].length));
  return out;
}

/** [from, to) of every code point that `isDelimiter` accepts. */
function delimiters(piece: Piece, isDelimiter: (char: string) => boolean): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let i = 0; i < piece.text.length; ) {
    const width = piece.text.codePointAt(i)! > 0xffff ? 2 : 1;
    if (isDelimiter(piece.text.slice(i, i + width))) out.push([i, i + width]);
    i += width;
  }
  return out;
}

function complement(ranges: Array<[number, number]>, length: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let at = 0;
  for (const [from, to] of ranges) {
    if (from > at) out.push([at, from]);
    at = to;
  }
  if (at < length) out.push([at, length]);
  return out;
}

/** HF's `NormalizedString::split` with a delimiter behavior, given the delimiters' ranges in order. */
function splitBy(piece: Piece, found: Array<[number, number]>, behavior: Behavior): Piece[] {
  const segments: Array<{ from: number; to: number; delimiter: boolean }> = [];
  let at = 0;
  for (const [from, to] of found) {
    if (from > at) segments.push({ from: at, to: from, delimiter: false });
    segments.push({ from, to, delimiter: true });
    at = to;
  }
  if (at < piece.text.length) segments.push({ from: at, to: piece.text.length, delimiter: false });

  const ranges: Array<[number, number]> = [];
  let pendingNext: number | null = null;
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i];
    switch (behavior) {
      case 'removed':
        if (!s.delimiter) ranges.push([s.from, s.to]);
        break;
      case 'isolated':
        ranges.push([s.from, s.to]);
        break;
      case 'contiguous': {
        const last = ranges.at(-1);
        if (s.delimiter && last && i > 0 && segments[i - 1].delimiter) last[1] = s.to;
        else ranges.push([s.from, s.to]);
        break;
      }
      case 'merged_with_previous': {
        const last = ranges.at(-1);
        if (s.delimiter && last && i > 0 && !segments[i - 1].delimiter) last[1] = s.to;
        else ranges.push([s.from, s.to]);
        break;
      }
      case 'merged_with_next':
        if (s.delimiter) {
          if (pendingNext !== null) ranges.push([pendingNext, s.from]);
          pendingNext = s.from;
        } else {
          ranges.push([pendingNext ?? s.from, s.to]);
          pendingNext = null;
        }
        break;
    }
  }
  if (pendingNext !== null) ranges.push([pendingNext, piece.text.length]);
  return ranges.filter(([from, to]) => to > from).map(([from, to]) => slicePiece(piece, from, to));
}

