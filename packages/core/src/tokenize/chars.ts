/**
 * The character classes of BERT's basic tokenisation, as Hugging Face's Rust `BertNormalizer` and
 * `BertPreTokenizer` define them (the Python `BasicTokenizer` helpers have the same names). Each
 * takes a code point. The Unicode tables are the JS engine's (`\p{…}` in `u` regexes).
 */

const WHITE_SPACE = /\p{White_Space}/u;
// Cc, Cf, Co, Cs: Rust's `char::is_other()` as the normalizer uses it. Unassigned code points (Cn)
// are NOT controls there (Python's `_is_control` drops them too; the fast tokenizer keeps them).
const OTHER = /[\p{Cc}\p{Cf}\p{Co}\p{Cs}]/u;
const PUNCTUATION = /\p{P}/u;
const NONSPACING_MARK = /\p{Mn}/gu;

/** `_is_whitespace`: \t \n \r and every White_Space character (space, U+00A0, U+3000, U+2028 …). */
export function isWhitespace(cp: number): boolean {
  if (cp < 128) return cp === 32 || (cp >= 9 && cp <= 13);
  return WHITE_SPACE.test(String.fromCodePoint(cp));
}

/** `_is_control`: the "Other" categories except \t \n \r, which count as whitespace. */
export function isControl(cp: number): boolean {
  if (cp === 9 || cp === 10 || cp === 13) return false;
  if (cp < 128) return cp < 32 || cp === 127;
  return OTHER.test(String.fromCodePoint(cp));
}

/**
 * `_is_punctuation`: every non-alphanumeric ASCII printable (so `$`, `^`, `` ` `` … split too,
 * though Unicode files them under S*) plus the Unicode P* categories.
 */
export function isPunctuation(cp: number): boolean {
  if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126)) {
    return true;
  }
  if (cp < 128) return false;
  return PUNCTUATION.test(String.fromCodePoint(cp));
}

/**
 * `_is_chinese_char`: the CJK Unified Ideographs blocks (and extensions A–E, compatibility
 * ideographs). Despite the name it is only these blocks: Hiragana, Katakana and Hangul are not in
 * it and stay inside words.
 */
export function isChineseChar(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x20000 && cp <= 0x2a6df) ||
    (cp >= 0x2a700 && cp <= 0x2b73f) ||
    (cp >= 0x2b740 && cp <= 0x2b81f) ||
    (cp >= 0x2b820 && cp <= 0x2ceaf) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x2f800 && cp <= 0x2fa1f)
  );
}

/** `_run_strip_accents`: NFD, then drop the nonspacing marks (Mn), e.g. "é" → "e", "İ" → "I". */
export function stripAccents(text: string): string {
  return text.normalize('NFD').replace(NONSPACING_MARK, '');
}

/**
 * Lower-cases one character at a time, as the Rust normalizer does (`char::to_lowercase`): no
 * context rules, so a word-final "Σ" becomes "σ", not "ς" (Python's `str.lower()` and JS
 * `toLowerCase()` on a whole string would give "ς").
 */
export function lowercaseChars(text: string): string {
  if (text.length === 1) return text.toLowerCase();
  let out = '';
  for (const ch of text) out += ch.toLowerCase();
  return out;
}
