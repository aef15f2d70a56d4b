/**
 * The normalizers of a Hugging Face `tokenizer.json` (`normalizer`), each a function from piece
 * to piece that keeps the original spans (see `piece.ts`). The types are those of the `tokenizers`
 * library: BertNormalizer, Lowercase, NFC/NFD/NFKC/NFKD, StripAccents, Replace, Prepend, Strip,
 * Precompiled and Sequence.
 *
 * Precompiled (SentencePiece's compiled `nmt_nfkc` rules, ALBERT/T5/XLNet) is applied as
 * tokenizers.js applies it: control characters dropped, the Unicode spaces made " ", then NFKC.
 * The compiled table itself is not read; for the characters it covers this is the same mapping.
 */
import { lowercaseChars } from './chars.js';
import { BertNormalizer, originalEnd, originalStart } from './normalizer.js';
import { clusterGroups, codePointGroups, prependToPiece, replaceInPiece, rewritePiece, slicePiece, type Piece } from './piece.js';

export type Normalize = (piece: Piece) => Piece;

export interface NormalizerJson {
  type: string;
  [key: string]: unknown;
}

const NONSPACING_MARK = /\p{Mn}/u;
const PRECOMPILED_DROPPED = /[\u0001-\u0008\u000B\u000E-\u001F\u007F\u008F\u009F]/gu;
const PRECOMPILED_SPACES = /[\u0009\u000A\u000C\u000D\u00A0\u1680\u2000-\u200F\u2028\u2029\u202F\u205F\u2581\u3000\uFEFF\uFFFD]/gu;

/** The normalizer a tokenizer.json describes; `where` names the file in errors. */
export function normalizerFromJson(json: NormalizerJson, where: string): Normalize {
  switch (json.type) {
    case 'Sequence': {
      const steps = asArray(json.normalizers, `${where}: normalizer Sequence needs "normalizers"`).map((step) =>
        normalizerFromJson(step as NormalizerJson, where),
      );
      return (piece) => steps.reduce((p, step) => step(p), piece);
    }
    case 'BertNormalizer': {
      const bert = new BertNormalizer({
        cleanText: (json.clean_text as boolean | undefined) ?? true,
        handleChineseChars: (json.handle_chinese_chars as boolean | undefined) ?? true,
        stripAccents: (json.strip_accents as boolean | null | undefined) ?? undefined,
        lowercase: (json.lowercase as boolean | undefined) ?? true,
      });
      return (piece) => {
        const n = bert.normalize(piece.text);
        const starts: number[] = [];
        const ends: number[] = [];
        for (let i = 0; i < n.normalized.length; i++) {
          // BertNormalizer's spans index piece.text; map them through the piece's own.
          const from = originalStart(n, i);
          const to = originalEnd(n, i);
          starts.push(piece.starts[from]);
          ends.push(piece.ends[to - 1]);
        }
        return { text: n.normalized, starts, ends };
      };
    }
    case 'Lowercase':
      return (piece) => (isAscii(piece.text) ? { ...piece, text: piece.text.toLowerCase() } : rewritePiece(piece, codePointGroups(piece.text), lowercaseChars));
    case 'NFD':
    case 'NFKD':
      return unicodeForm(json.type);
    case 'NFC':
    case 'NFKC':
      return unicodeForm(json.type);
    case 'StripAccents':
      return (piece) => rewritePiece(piece, codePointGroups(piece.text), (c) => (NONSPACING_MARK.test(c) ? '' : c));
    case 'Replace': {
      const pattern = patternOf(json.pattern, where);
      const content = typeof json.content === 'string' ? json.content : '';
      return (piece) => replaceInPiece(piece, pattern, content);
    }
    case 'Prepend': {
      const prefix = typeof json.prepend === 'string' ? json.prepend : '';
      return (piece) => (piece.text.length > 0 ? prependToPiece(piece, prefix) : piece);
    }
    case 'Strip': {
      const left = (json.strip_left as boolean | undefined) ?? true;
      const right = (json.strip_right as boolean | undefined) ?? true;
      return (piece) => {
        let from = 0;
        let to = piece.text.length;
        if (left) while (from < to && /\s/u.test(piece.text[from])) from++;
        if (right) while (to > from && /\s/u.test(piece.text[to - 1])) to--;
        return slicePiece(piece, from, to);
      };
    }
    case 'Precompiled':
      return (piece) => {
        const cleaned = replaceInPiece(replaceInPiece(piece, PRECOMPILED_DROPPED, ''), PRECOMPILED_SPACES, ' ');
        return rewritePiece(cleaned, clusterGroups(cleaned.text), (c) => (c === '\uFF5E' ? c : c.normalize('NFKC')));
      };
    default:
      throw new Error(`${where}: normalizer "${json.type}" is not supported`);
  }
}

function unicodeForm(form: 'NFC' | 'NFD' | 'NFKC' | 'NFKD'): Normalize {
  const composes = form === 'NFC' || form === 'NFKC';
  return (piece) => {
    if (isAscii(piece.text)) return piece;
    const groups = composes ? clusterGroups(piece.text) : codePointGroups(piece.text);
    return rewritePiece(piece, groups, (c) => c.normalize(form));
  };
}

/** A tokenizer.json pattern ({ "String": s } or { "Regex": r }) as a global regex. */
export function patternOf(pattern: unknown, where: string): RegExp {
  const p = pattern as { String?: unknown; Regex?: unknown } | undefined;
  if (p && typeof p.String === 'string') return new RegExp(escapeRegExp(p.String), 'gu');
  if (p && typeof p.Regex === 'string') {
    try {
      return new RegExp(p.Regex, 'gu');
    } catch (e) {
      throw new Error(`${where}: pattern ${JSON.stringify(p.Regex)} is not a regular expression this engine reads (${(e as Error).message})`);
    }
  }
  throw new Error(`${where}: expected a pattern {"String": ...} or {"Regex": ...}, got ${JSON.stringify(pattern)}`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 127) return false;
  return true;
}

function asArray(value: unknown, message: string): unknown[] {
  if (!Array.isArray(value)) throw new Error(message);
  return value;
}
