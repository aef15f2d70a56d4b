/**
 * BERT's basic tokenisation, before WordPiece: normalize (drop control characters, isolate
 * Chinese characters, strip accents and lower-case when asked), then split on whitespace and
 * make every punctuation character a word of its own. This is Hugging Face's `BasicTokenizer`,
 * or `BertNormalizer` + `BertPreTokenizer` in the fast tokenizer, with the offsets of every word
 * in the original text.
 *
 * `basicTokenize(text, { lowerCase: false })` is also the word splitter for models that work on
 * words (ELMo): it gives BERT's notion of a word, with spans a caller can `slice` out.
 */
import { isPunctuation, isWhitespace } from './chars.js';
import { BertNormalizer, originalEnd, originalStart } from './normalizer.js';

/** One word: its normalized `text`, and its span `[start, end)` in the original string (UTF-16). */
export interface BasicToken {
  text: string;
  start: number;
  end: number;
}

export interface BasicTokenizerOptions {
  /** Lower-case (HF `do_lower_case`). Default true. */
  lowerCase?: boolean;
  /** Strip accents (NFD, drop Mn). Default: follows `lowerCase`, as HF's `strip_accents=None`. */
  stripAccents?: boolean;
  /** One word per CJK ideograph (HF `tokenize_chinese_chars`). Default true. */
  tokenizeChineseChars?: boolean;
  /** Drop control characters, NUL and U+FFFD (HF `clean_text`). Default true. */
  cleanText?: boolean;
}

const WORD = 0;
const SPACE = 1;
const PUNCT = 2;
type CharClass = typeof WORD | typeof SPACE | typeof PUNCT;

function classify(cp: number): CharClass {
  if (isWhitespace(cp)) return SPACE;
  return isPunctuation(cp) ? PUNCT : WORD;
}

const ASCII_CLASS = Uint8Array.from({ length: 128 }, (_, cp) => classify(cp));
/** Classes of the non-ASCII characters seen so far (they do not depend on any option). */
const classCache = new Map<number, CharClass>();

function classOf(cp: number): CharClass {
  let cls = classCache.get(cp);
  if (cls === undefined) {
    cls = classify(cp);
    classCache.set(cp, cls);
  }
  return cls;
}

/**
 * HF's `BertPreTokenizer` over `text[from, to)`: whitespace separates words and is dropped; each
 * punctuation character is a word. Calls `onWord(start, end)` for each word, in order.
 */
export function splitWords(text: string, from: number, to: number, onWord: (start: number, end: number) => void): void {
  let wordAt = -1;
  for (let i = from; i < to; ) {
    const c = text.charCodeAt(i);
    let cls: number;
    let width = 1;
    if (c < 128) {
      cls = ASCII_CLASS[c];
    } else {
      const cp = text.codePointAt(i)!;
      if (cp > 0xffff) width = 2;
      cls = classOf(cp);
    }
    if (cls !== WORD) {
      if (wordAt >= 0) onWord(wordAt, i);
      wordAt = -1;
      if (cls === PUNCT) onWord(i, i + width);
    } else if (wordAt < 0) {
      wordAt = i;
    }
    i += width;
  }
  if (wordAt >= 0) onWord(wordAt, to);
}

export class BasicTokenizer {
  readonly normalizer: BertNormalizer;

  constructor(options: BasicTokenizerOptions = {}) {
    this.normalizer = new BertNormalizer({
      cleanText: options.cleanText,
      handleChineseChars: options.tokenizeChineseChars,
      stripAccents: options.stripAccents,
      lowercase: options.lowerCase,
    });
  }

  /** The words of `text` with their spans in it. */
  tokenize(text: string): BasicToken[] {
    const n = this.normalizer.normalize(text);
    const words: BasicToken[] = [];
    splitWords(n.normalized, 0, n.normalized.length, (a, b) => {
      words.push({ text: n.normalized.slice(a, b), start: originalStart(n, a), end: originalEnd(n, b - 1) });
    });
    return words;
  }
}

const basicTokenizers = new Map<string, BasicTokenizer>();

/**
 * Splits `text` into BERT's basic tokens (words and single punctuation characters).
 *
 * Each token's `text` is normalized: control characters removed, and with `lowerCase` also
 * lower-cased and stripped of accents. `start`/`end` are UTF-16 indices into `text` itself, so
 * `text.slice(start, end)` is the word as written (including any control character or combining
 * mark that normalization dropped from inside it).
 *
 * ```ts
 * basicTokenize("Don't panic!", { lowerCase: false })
 * // [{ text: 'Don', start: 0, end: 3 }, { text: "'", … }, { text: 't', … }, { text: 'panic', … }, { text: '!', … }]
 * ```
 */
export function basicTokenize(text: string, options: BasicTokenizerOptions = {}): BasicToken[] {
  const key = `${options.lowerCase ?? true}/${options.stripAccents}/${options.tokenizeChineseChars ?? true}/${options.cleanText ?? true}`;
  let tokenizer = basicTokenizers.get(key);
  if (tokenizer === undefined) {
    tokenizer = new BasicTokenizer(options);
    basicTokenizers.set(key, tokenizer);
  }
  return tokenizer.tokenize(text);
}
