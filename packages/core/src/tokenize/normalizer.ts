/**
 * BERT's normalizer (Hugging Face `BertNormalizer`): clean the text, put spaces around Chinese
 * characters, strip accents, lower-case. It keeps, for every UTF-16 unit of its output, the span
 * of the original character it came from, so that tokens found in the normalized text still
 * point into the text the caller gave (the alignments of HF's `NormalizedString`).
 */
import { isChineseChar, isControl, isWhitespace, lowercaseChars, stripAccents } from './chars.js';

export interface BertNormalizerOptions {
  /** Drop NUL, U+FFFD and control characters; turn whitespace into spaces. Default true. */
  cleanText?: boolean;
  /** Put spaces around CJK ideographs so each is a word of its own. Default true. */
  handleChineseChars?: boolean;
  /** NFD + drop nonspacing marks. Default: the value of `lowercase` (HF's `strip_accents: null`). */
  stripAccents?: boolean;
  /** Default true. */
  lowercase?: boolean;
}

/**
 * Normalized text and where it came from. Unit i of `normalized` came from the original
 * characters `starts[i]` to `ends[i]` (UTF-16 indices); when nothing changed length, `starts` and
 * `ends` are null and unit i came from unit `offset + i`.
 */
export interface NormalizedString {
  normalized: string;
  offset: number;
  starts: number[] | null;
  ends: number[] | null;
}

/** Where unit `i` of the normalized text starts in the original. */
export function originalStart(n: NormalizedString, i: number): number {
  return n.starts === null ? n.offset + i : n.starts[i];
}

/** Where unit `i` of the normalized text ends in the original. */
export function originalEnd(n: NormalizedString, i: number): number {
  return n.ends === null ? n.offset + i + 1 : n.ends[i];
}

/** What the normalizer does with one character. */
interface CharRule {
  /** Removed by clean_text. */
  drop: boolean;
  /** Chinese characters get a space on each side. */
  chinese: boolean;
  /** Its replacement (may be empty, or longer than the character). */
  output: string;
}

export class BertNormalizer {
  readonly cleanText: boolean;
  readonly handleChineseChars: boolean;
  readonly stripAccents: boolean;
  readonly lowercase: boolean;
  /** Rules of the non-ASCII characters seen so far, by code point. */
  private readonly rules = new Map<number, CharRule>();

  constructor(options: BertNormalizerOptions = {}) {
    this.cleanText = options.cleanText ?? true;
    this.handleChineseChars = options.handleChineseChars ?? true;
    this.lowercase = options.lowercase ?? true;
    this.stripAccents = options.stripAccents ?? this.lowercase;
  }

  /** Normalizes `text.slice(from, to)`; offsets in the result index `text`. */
  normalize(text: string, from = 0, to = text.length): NormalizedString {
    // Printable ASCII (the bulk of English text) only ever changes case, one unit for one unit.
    if (isPrintableAscii(text, from, to)) {
      const slice = text.slice(from, to);
      return { normalized: this.lowercase ? slice.toLowerCase() : slice, offset: from, starts: null, ends: null };
    }
    const parts: string[] = [];
    const starts: number[] = [];
    const ends: number[] = [];
    let sameLength = true;
    const emit = (output: string, start: number, end: number) => {
      parts.push(output);
      for (let u = 0; u < output.length; u++) {
        starts.push(start);
        ends.push(end);
      }
      if (output.length !== end - start || start !== from + starts.length - output.length) sameLength = false;
    };
    for (let i = from; i < to; ) {
      const cp = text.codePointAt(i)!;
      const width = cp > 0xffff ? 2 : 1;
      const rule = this.rule(cp);
      if (rule.drop) {
        sameLength = false;
      } else if (rule.chinese) {
        // The spaces take the character's span too, as HF's inserted characters do.
        emit(' ', i, i + width);
        emit(rule.output, i, i + width);
        emit(' ', i, i + width);
      } else {
        emit(rule.output, i, i + width);
      }
      i += width;
    }
    const normalized = parts.join('');
    if (sameLength) return { normalized, offset: from, starts: null, ends: null };
    return { normalized, offset: from, starts, ends };
  }

  private rule(cp: number): CharRule {
    let rule = this.rules.get(cp);
    if (rule === undefined) {
      rule = this.makeRule(cp);
      this.rules.set(cp, rule);
    }
    return rule;
  }

  /** The steps of HF's `BertNormalizer::normalize`, in its order, for one character. */
  private makeRule(cp: number): CharRule {
    const char = String.fromCodePoint(cp);
    if (this.cleanText) {
      if (cp === 0 || cp === 0xfffd || isControl(cp)) return { drop: true, chinese: false, output: '' };
      if (isWhitespace(cp)) return { drop: false, chinese: false, output: ' ' };
    }
    const chinese = this.handleChineseChars && isChineseChar(cp);
    // Accents go before lower-casing, as in the Rust normalizer ("İ" → "I" → "i"). NFD one
    // character at a time equals NFD of the whole text once the Mn marks are gone, except for the
    // canonical reordering of adjacent non-Mn combining marks, which no BERT vocabulary can tell.
    let output = this.stripAccents ? stripAccents(char) : char;
    if (this.lowercase) output = lowercaseChars(output);
    return { drop: false, chinese, output };
  }
}

/** True when every unit is a printable ASCII character (space to tilde). */
function isPrintableAscii(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c < 32 || c > 126) return false;
  }
  return true;
}
