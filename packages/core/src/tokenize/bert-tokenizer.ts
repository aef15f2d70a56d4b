/**
 * The BERT tokenizer: added/special tokens, then `BertNormalizer` + `BertPreTokenizer` (the basic
 * tokenizer), then WordPiece, then the `[CLS] A [SEP] B [SEP]` template. It gives the same ids as
 * Hugging Face's `BertTokenizerFast` (what `AutoTokenizer` loads), with its offsets, word ids and
 * sequence ids, and its truncation and padding. Browser-safe: loading from a folder is in
 * `load.ts`.
 */
import { AddedTokenMatcher, type AddedToken } from './added-tokens.js';
import { splitWords } from './basic.js';
import { cleanUpTokenization, joinWordpieces } from './decode.js';
import { BertNormalizer, originalEnd, originalStart, type NormalizedString } from './normalizer.js';
import { truncatedLengths, type Truncation, type TruncationStrategy } from './truncation.js';
import { WordpieceTokenizer } from './wordpiece.js';
import { booleanField, configObject, describeValue, positiveInt, stringField, tokenId, type ConfigObject } from '../checkpoint/config-fields.js';

export type { AddedToken } from './added-tokens.js';

export interface BertTokenizerOptions {
  /** Lower-case and (unless `stripAccents` says otherwise) strip accents. Default true. */
  doLowerCase?: boolean;
  /** Default: the value of `doLowerCase`, as HF's `strip_accents=None`. */
  stripAccents?: boolean;
  /** One token per CJK ideograph. Default true. */
  tokenizeChineseChars?: boolean;
  /** Drop control characters (HF `clean_text`). Default true. */
  cleanText?: boolean;
  unkToken?: string;
  clsToken?: string;
  sepToken?: string;
  padToken?: string;
  maskToken?: string;
  /** The longest input the model takes (HF `model_max_length`); used when truncating or padding to 'max_length' without a maxLength. */
  modelMaxLength?: number;
}

export interface EncodeOptions {
  /** Add [CLS] … [SEP] (… [SEP]). Default true. */
  addSpecialTokens?: boolean;
  /** Longest result in tokens, special tokens included. */
  maxLength?: number;
  /** Cut inputs longer than maxLength (default: throw). `true` is 'longest_first'. */
  truncation?: Truncation;
}

export interface BatchEncodeOptions extends EncodeOptions {
  /** `true` or 'longest': pad to the longest in the batch; 'max_length': pad to maxLength. */
  padding?: boolean | 'longest' | 'max_length';
}

export interface DecodeOptions {
  skipSpecialTokens?: boolean;
  /** HF's `clean_up_tokenization_spaces`, true for BERT. */
  cleanUpTokenizationSpaces?: boolean;
}

/** One encoded input; all arrays have one entry per token. */
export interface Encoding {
  ids: number[];
  tokens: string[];
  /** 0 for the first text and its [CLS]/[SEP], 1 for the second text and the last [SEP]. */
  tokenTypeIds: number[];
  /** 1 for tokens, 0 for padding. */
  attentionMask: number[];
  /** UTF-16 [start, end) of each token in its own text; [0, 0] for [CLS]/[SEP]/[PAD] that the template or padding added. */
  offsets: Array<[number, number]>;
  /** Index of the basic-tokenizer word each token came from, counted from 0 in each text; null for added [CLS]/[SEP]/[PAD]. */
  wordIds: Array<number | null>;
  /** 0 or 1: which text the token came from; null for added [CLS]/[SEP]/[PAD]. */
  sequenceIds: Array<number | null>;
}

/** Everything a BertTokenizer is made from (the factories below fill it in). */
export interface BertTokenizerConfig {
  /** The WordPiece vocabulary, "##" pieces included. */
  vocab: ReadonlyMap<string, number>;
  /** The token of every id, when some id has no entry in `vocab` (a vocab.txt listing a token twice). */
  tokens?: readonly string[];
  /** Tokens matched in the text before anything else; the special ones include [CLS] … [MASK]. */
  addedTokens: AddedToken[];
  normalizer: BertNormalizer;
  unkToken: string;
  clsToken: string;
  sepToken: string;
  padToken: string;
  maskToken: string;
  continuingSubwordPrefix: string;
  maxInputCharsPerWord: number;
  modelMaxLength?: number;
}

/** The tokens of one text, before the template: parallel arrays. */
interface Sequence {
  ids: number[];
  starts: number[];
  ends: number[];
  words: number[];
  /** Words seen so far (also the next word's index). */
  wordCount: number;
}

const DEFAULT_SPECIAL_TOKENS = { unkToken: '[UNK]', clsToken: '[CLS]', sepToken: '[SEP]', padToken: '[PAD]', maskToken: '[MASK]' };

export class BertTokenizer {
  readonly normalizer: BertNormalizer;
  readonly wordpiece: WordpieceTokenizer;
  readonly addedTokens: readonly AddedToken[];
  readonly modelMaxLength: number | undefined;
  readonly unkToken: string;
  readonly clsToken: string;
  readonly sepToken: string;
  readonly padToken: string;
  readonly maskToken: string;
  readonly unkTokenId: number;
  readonly clsTokenId: number;
  readonly sepTokenId: number;
  readonly padTokenId: number;
  readonly maskTokenId: number;

  private readonly vocab: ReadonlyMap<string, number>;
  private readonly addedByContent = new Map<string, AddedToken>();
  private readonly tokensById: string[] = [];
  private readonly specialIds = new Set<number>();
  /** Added tokens looked for in the original text, and in the normalized text. */
  private readonly rawMatcher: AddedTokenMatcher;
  private readonly normalizedMatcher: AddedTokenMatcher;

  constructor(config: BertTokenizerConfig) {
    this.vocab = config.vocab;
    this.normalizer = config.normalizer;
    this.wordpiece = new WordpieceTokenizer(config.vocab, {
      unkToken: config.unkToken,
      continuingSubwordPrefix: config.continuingSubwordPrefix,
      maxInputCharsPerWord: config.maxInputCharsPerWord,
    });
    this.addedTokens = config.addedTokens;
    this.modelMaxLength = config.modelMaxLength;

    config.tokens?.forEach((token, id) => (this.tokensById[id] = token));
    for (const [token, id] of config.vocab) this.tokensById[id] = token;
    for (const token of config.addedTokens) {
      this.tokensById[token.id] = token.content;
      this.addedByContent.set(token.content, token);
      if (token.special) this.specialIds.add(token.id);
    }
    this.rawMatcher = new AddedTokenMatcher(
      config.addedTokens.filter((t) => !t.normalized).map((token) => ({ content: token.content, token })),
    );
    // A normalized added token is looked for in normalized text, so its content is normalized too.
    this.normalizedMatcher = new AddedTokenMatcher(
      config.addedTokens.filter((t) => t.normalized).map((token) => ({ content: config.normalizer.normalize(token.content).normalized, token })),
    );

    this.unkToken = config.unkToken;
    this.clsToken = config.clsToken;
    this.sepToken = config.sepToken;
    this.padToken = config.padToken;
    this.maskToken = config.maskToken;
    this.unkTokenId = this.requireId(config.unkToken, 'unknown');
    this.clsTokenId = this.requireId(config.clsToken, 'classifier');
    this.sepTokenId = this.requireId(config.sepToken, 'separator');
    this.padTokenId = this.requireId(config.padToken, 'padding');
    this.maskTokenId = this.requireId(config.maskToken, 'mask');
  }

  /**
   * From a `vocab.txt` (one token per line, the id is the line number), as HF's `BertTokenizer`:
   * [UNK] [CLS] [SEP] [PAD] [MASK] become special tokens.
   */
  static fromVocab(vocabText: string, options: BertTokenizerOptions = {}): BertTokenizer {
    const lines = vocabLines(vocabText);
    const vocab = new Map<string, number>(lines.map((token, id) => [token, id]));
    const names = {
      unkToken: options.unkToken ?? DEFAULT_SPECIAL_TOKENS.unkToken,
      clsToken: options.clsToken ?? DEFAULT_SPECIAL_TOKENS.clsToken,
      sepToken: options.sepToken ?? DEFAULT_SPECIAL_TOKENS.sepToken,
      padToken: options.padToken ?? DEFAULT_SPECIAL_TOKENS.padToken,
      maskToken: options.maskToken ?? DEFAULT_SPECIAL_TOKENS.maskToken,
    };
    const addedTokens: AddedToken[] = [];
    for (const content of [names.padToken, names.unkToken, names.clsToken, names.sepToken, names.maskToken]) {
      const id = vocab.get(content);
      if (id === undefined) throw new Error(`vocab.txt: the special token ${content} is not in the vocabulary`);
      if (!addedTokens.some((t) => t.content === content)) addedTokens.push({ id, content, special: true, normalized: false });
    }
    return new BertTokenizer({
      vocab,
      tokens: lines,
      addedTokens,
      normalizer: new BertNormalizer({
        cleanText: options.cleanText,
        handleChineseChars: options.tokenizeChineseChars,
        stripAccents: options.stripAccents,
        lowercase: options.doLowerCase,
      }),
      ...names,
      continuingSubwordPrefix: '##',
      maxInputCharsPerWord: 100,
      modelMaxLength: options.modelMaxLength,
    });
  }

  /**
   * From a Hugging Face `tokenizer.json` (parsed or as text) with a WordPiece model, a
   * BertNormalizer and a BertPreTokenizer. Names of [PAD]/[MASK] are not in that file: pass them
   * in `options` when they are not the usual ones. `doLowerCase`, `stripAccents` and
   * `tokenizeChineseChars`, when given, override the file's normalizer, as the values of
   * tokenizer_config.json do in HF's `BertTokenizerFast`.
   */
  static fromTokenizerJson(
    json: unknown,
    options: Pick<BertTokenizerOptions, 'doLowerCase' | 'stripAccents' | 'tokenizeChineseChars' | 'padToken' | 'maskToken' | 'modelMaxLength'> = {},
  ): BertTokenizer {
    const file = (typeof json === 'string' ? JSON.parse(json) : json) as TokenizerJson;
    const where = 'tokenizer.json';
    if (!file || typeof file !== 'object' || !file.model || typeof file.model !== 'object' || !file.model.vocab || typeof file.model.vocab !== 'object' || Array.isArray(file.model.vocab)) {
      throw new Error(`${where}: expected an object with model.vocab`);
    }
    const model = file.model;
    if (model.type !== undefined && model.type !== 'WordPiece') {
      throw new Error(`${where}: the model is ${model.type}, BertTokenizer needs WordPiece`);
    }
    const normalizer = file.normalizer;
    if (normalizer && normalizer.type !== 'BertNormalizer') {
      throw new Error(`${where}: normalizer ${normalizer.type} is not supported (BertTokenizer implements BertNormalizer)`);
    }
    if (file.pre_tokenizer && file.pre_tokenizer.type !== 'BertPreTokenizer') {
      throw new Error(`${where}: pre_tokenizer ${file.pre_tokenizer.type} is not supported (BertTokenizer implements BertPreTokenizer)`);
    }
    const { vocab, addedTokens } = checkedIds(model.vocab as unknown, file.added_tokens as unknown, where);
    const { clsToken, sepToken } = templateTokens(file.post_processor, where);
    return new BertTokenizer({
      vocab,
      addedTokens,
      normalizer: new BertNormalizer(
        normalizer
          ? {
              cleanText: normalizer.clean_text ?? true,
              handleChineseChars: options.tokenizeChineseChars ?? normalizer.handle_chinese_chars ?? true,
              stripAccents: options.stripAccents ?? normalizer.strip_accents ?? undefined,
              lowercase: options.doLowerCase ?? normalizer.lowercase ?? true,
            }
          : // No normalizer at all: nothing is cleaned, lower-cased or isolated.
            { cleanText: false, handleChineseChars: false, stripAccents: false, lowercase: false },
      ),
      unkToken: stringField(model as unknown as ConfigObject, 'unk_token', { path: 'model', default: DEFAULT_SPECIAL_TOKENS.unkToken }, where),
      clsToken,
      sepToken,
      padToken: options.padToken ?? DEFAULT_SPECIAL_TOKENS.padToken,
      maskToken: options.maskToken ?? DEFAULT_SPECIAL_TOKENS.maskToken,
      continuingSubwordPrefix: stringField(model as unknown as ConfigObject, 'continuing_subword_prefix', { path: 'model', default: '##' }, where),
      maxInputCharsPerWord: positiveInt(model as unknown as ConfigObject, 'max_input_chars_per_word', { path: 'model', max: 1 << 20, default: 100 }, where),
      modelMaxLength: options.modelMaxLength,
    });
  }

  /** Whether text is lower-cased before WordPiece. */
  get doLowerCase(): boolean {
    return this.normalizer.lowercase;
  }

  /** Number of ids (the highest id + 1), added tokens included. */
  get vocabSize(): number {
    return this.tokensById.length;
  }

  /** The id of a token (added tokens first, then the vocabulary), or undefined. */
  tokenToId(token: string): number | undefined {
    return this.addedByContent.get(token)?.id ?? this.vocab.get(token);
  }

  /** The token of an id; throws for an id outside the vocabulary. */
  idToToken(id: number): string {
    const token = this.tokensById[id];
    if (token === undefined) throw new RangeError(`token id ${id} is not in the vocabulary (0 to ${this.vocabSize - 1})`);
    return token;
  }

  /** Whether `id` is a special token ([CLS], [SEP], [PAD], [UNK], [MASK], special added tokens). */
  isSpecialId(id: number): boolean {
    return this.specialIds.has(id);
  }

  /** The WordPiece tokens of a text, without [CLS]/[SEP] (HF `tokenize`). */
  tokenize(text: string): string[] {
    return this.tokenizeSequence(text).ids.map((id) => this.tokensById[id]);
  }

  /** Encodes a text, or a pair of texts, into model inputs. */
  encode(text: string, options?: EncodeOptions): Encoding;
  encode(text: string, textPair?: string | null, options?: EncodeOptions): Encoding;
  encode(text: string, pairOrOptions?: string | null | EncodeOptions, maybeOptions: EncodeOptions = {}): Encoding {
    const [textPair, options] =
      typeof pairOrOptions === 'object' && pairOrOptions !== null ? [null, pairOrOptions] : [pairOrOptions ?? null, maybeOptions];
    const addSpecialTokens = options.addSpecialTokens ?? true;
    let first = this.tokenizeSequence(text);
    let second = textPair === null ? null : this.tokenizeSequence(textPair);

    const added = addSpecialTokens ? (second ? 3 : 2) : 0;
    const length = first.ids.length + (second?.ids.length ?? 0) + added;
    const strategy = truncationStrategy(options.truncation);
    const maxLength = options.maxLength ?? (strategy ? this.modelMaxLength : undefined);
    if (strategy && maxLength === undefined) {
      throw new Error('truncation needs maxLength (this tokenizer has no modelMaxLength)');
    }
    if (maxLength !== undefined && length > maxLength) {
      if (!strategy) {
        throw new Error(
          `the input has ${length} tokens, more than maxLength ${maxLength}; pass truncation: true or a shorter text`,
        );
      }
      const [keepFirst, keepSecond] = truncatedLengths(first.ids.length, second ? second.ids.length : null, maxLength, added, strategy);
      first = truncateSequence(first, keepFirst);
      if (second) second = truncateSequence(second, keepSecond);
    }
    return this.postProcess(first, second, addSpecialTokens);
  }

  /** Encodes several inputs (texts or pairs) with the same options, padded together when asked. */
  encodeBatch(inputs: ReadonlyArray<string | readonly [string, string]>, options: BatchEncodeOptions = {}): Encoding[] {
    const encodings = inputs.map((input, i) => {
      try {
        return typeof input === 'string' ? this.encode(input, null, options) : this.encode(input[0], input[1], options);
      } catch (error) {
        throw new Error(`input ${i}: ${(error as Error).message}`, { cause: error });
      }
    });
    const padding = options.padding === true ? 'longest' : options.padding || null;
    if (padding === 'longest') {
      const longest = encodings.reduce((most, e) => Math.max(most, e.ids.length), 0);
      for (const encoding of encodings) this.pad(encoding, longest);
    } else if (padding === 'max_length') {
      const length = options.maxLength ?? this.modelMaxLength;
      if (length === undefined) throw new Error("padding 'max_length' needs maxLength (this tokenizer has no modelMaxLength)");
      for (const encoding of encodings) this.pad(encoding, length);
    }
    return encodings;
  }

  /** Text from ids, the way HF's `decode` writes it (lower-cased, WordPieces joined, spaces cleaned up). */
  decode(ids: readonly number[], options: DecodeOptions = {}): string {
    const tokens: string[] = [];
    for (const id of ids) {
      if (options.skipSpecialTokens && this.specialIds.has(id)) continue;
      tokens.push(this.idToToken(id));
    }
    const text = joinWordpieces(tokens, this.wordpiece.continuingSubwordPrefix);
    return (options.cleanUpTokenizationSpaces ?? true) ? cleanUpTokenization(text) : text;
  }

  /** Added tokens, then basic tokenizer, then WordPiece, over one text; offsets index that text. */
  private tokenizeSequence(text: string): Sequence {
    const sequence: Sequence = { ids: [], starts: [], ends: [], words: [], wordCount: 0 };
    let from = 0;
    for (const match of this.rawMatcher.find(text)) {
      this.tokenizeSegment(text, from, match.start, sequence);
      pushToken(sequence, match.token.id, match.start, match.end);
      from = match.end;
    }
    this.tokenizeSegment(text, from, text.length, sequence);
    return sequence;
  }

  /** Text between two added tokens: normalize, then look for normalized added tokens, then words. */
  private tokenizeSegment(text: string, from: number, to: number, sequence: Sequence): void {
    if (from >= to) return;
    const normalized = this.normalizer.normalize(text, from, to);
    let at = 0;
    for (const match of this.normalizedMatcher.find(normalized.normalized)) {
      this.pushWords(normalized, at, match.start, sequence);
      pushToken(sequence, match.token.id, originalStart(normalized, match.start), originalEnd(normalized, match.end - 1));
      at = match.end;
    }
    this.pushWords(normalized, at, normalized.normalized.length, sequence);
  }

  /** The words of normalized[from, to), each split into WordPieces. */
  private pushWords(normalized: NormalizedString, from: number, to: number, sequence: Sequence): void {
    const text = normalized.normalized;
    splitWords(text, from, to, (start, end) => {
      const first = sequence.ids.length;
      // WordPiece appends pieces with offsets in the word; they become offsets in the original.
      this.wordpiece.tokenize(text.slice(start, end), sequence);
      const wordIndex = sequence.wordCount++;
      for (let p = first; p < sequence.ids.length; p++) {
        sequence.starts[p] = originalStart(normalized, start + sequence.starts[p]);
        sequence.ends[p] = originalEnd(normalized, start + sequence.ends[p] - 1);
        sequence.words.push(wordIndex);
      }
    });
  }

  /** The template `[CLS] A [SEP]` or `[CLS] A [SEP] B [SEP]` (HF's TemplateProcessing for BERT). */
  private postProcess(first: Sequence, second: Sequence | null, addSpecialTokens: boolean): Encoding {
    const encoding: Encoding = { ids: [], tokens: [], tokenTypeIds: [], attentionMask: [], offsets: [], wordIds: [], sequenceIds: [] };
    const special = (id: number, typeId: number) => {
      if (addSpecialTokens) this.pushEntry(encoding, id, typeId, 0, 0, null, null);
    };
    const sequence = (s: Sequence, index: number) => {
      for (let i = 0; i < s.ids.length; i++) this.pushEntry(encoding, s.ids[i], index, s.starts[i], s.ends[i], s.words[i], index);
    };
    special(this.clsTokenId, 0);
    sequence(first, 0);
    special(this.sepTokenId, 0);
    if (second) {
      // Type id 1 for the second text even without special tokens, as the fast tokenizer does.
      sequence(second, 1);
      special(this.sepTokenId, 1);
    }
    return encoding;
  }

  private pushEntry(e: Encoding, id: number, typeId: number, start: number, end: number, word: number | null, seq: number | null): void {
    e.ids.push(id);
    e.tokens.push(this.tokensById[id]);
    e.tokenTypeIds.push(typeId);
    e.attentionMask.push(1);
    e.offsets.push([start, end]);
    e.wordIds.push(word);
    e.sequenceIds.push(seq);
  }

  /** Right padding with [PAD]: type id 0, attention 0, offsets [0, 0]. */
  private pad(e: Encoding, length: number): void {
    for (let i = e.ids.length; i < length; i++) {
      this.pushEntry(e, this.padTokenId, 0, 0, 0, null, null);
      e.attentionMask[i] = 0;
    }
  }

  private requireId(token: string, role: string): number {
    const id = this.tokenToId(token);
    if (id === undefined) throw new Error(`BertTokenizer: the ${role} token ${token} is not in the vocabulary`);
    return id;
  }
}

function pushToken(sequence: Sequence, id: number, start: number, end: number): void {
  sequence.ids.push(id);
  sequence.starts.push(start);
  sequence.ends.push(end);
  sequence.words.push(sequence.wordCount++);
}

function truncateSequence(s: Sequence, keep: number): Sequence {
  if (keep >= s.ids.length) return s;
  return { ids: s.ids.slice(0, keep), starts: s.starts.slice(0, keep), ends: s.ends.slice(0, keep), words: s.words.slice(0, keep), wordCount: s.wordCount };
}

function truncationStrategy(truncation: Truncation | undefined): TruncationStrategy | null {
  if (truncation === undefined || truncation === false) return null;
  return truncation === true ? 'longest_first' : truncation;
}

/**
 * vocab.txt: the id of a token is its line number. As in HF's `load_vocab`, only the newline is
 * stripped (and a CR, for files written on Windows); a token listed twice maps to its last line.
 */
export function vocabLines(text: string): string[] {
  const lines = text.split('\n').map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
  if (lines.at(-1) === '') lines.pop();
  if (lines.length === 0) throw new Error('vocab.txt is empty');
  return lines;
}

/**
 * tokenizer.json's vocabulary and added tokens, checked: every id an integer inside the vocabulary
 * ([0, number of distinct tokens)), every added token a non-empty string with an integer id. A
 * file with ids like `null` or `0.5` would otherwise encode text to ids no model has.
 */
function checkedIds(rawVocab: unknown, rawAdded: unknown, where: string): { vocab: Map<string, number>; addedTokens: AddedToken[] } {
  const entries = Object.entries(rawVocab as Record<string, unknown>);
  if (entries.length === 0) throw new Error(`${where}: model.vocab is empty`);
  if (rawAdded !== undefined && rawAdded !== null && !Array.isArray(rawAdded)) {
    throw new Error(`${where}: added_tokens must be a list, got ${describeValue(rawAdded)}`);
  }
  const added = (rawAdded ?? []) as unknown[];
  added.forEach((t, i) => {
    const token = configObject(t, where, `added_tokens[${i}]`);
    if (typeof token.content !== 'string' || token.content === '') {
      throw new Error(`${where}: added_tokens[${i}].content must be a non-empty string, got ${describeValue(token.content)}`);
    }
  });
  const checkId = (id: unknown, what: string): number => tokenId(id, what, where);
  const vocab = new Map<string, number>(entries.map(([token, id]) => [token, checkId(id, `model.vocab token ${JSON.stringify(token)}`)]));
  const addedTokens = (added as Array<Record<string, unknown>>).map((t, i): AddedToken => {
    if (t.single_word || t.lstrip || t.rstrip) {
      throw new Error(`${where}: added token ${t.content} uses single_word/lstrip/rstrip, which BertTokenizer does not support`);
    }
    const flag = (key: string) => (t[key] === undefined || t[key] === null ? undefined : booleanField(t, key, { path: `added_tokens[${i}]` }, where));
    const special = flag('special') ?? false;
    return { id: checkId(t.id, `added_tokens[${i}] ${JSON.stringify(t.content)}`), content: t.content as string, special, normalized: flag('normalized') ?? !special };
  });
  return { vocab, addedTokens };
}

/** The [CLS] and [SEP] of the post-processor: BertProcessing, or a TemplateProcessing of BERT's shape. */
function templateTokens(processor: TokenizerJson['post_processor'], where: string): { clsToken: string; sepToken: string } {
  if (!processor) return { clsToken: DEFAULT_SPECIAL_TOKENS.clsToken, sepToken: DEFAULT_SPECIAL_TOKENS.sepToken };
  if (processor.type === 'BertProcessing' && processor.cls && processor.sep) {
    return { clsToken: processor.cls[0], sepToken: processor.sep[0] };
  }
  if (processor.type === 'TemplateProcessing' && processor.single && processor.pair) {
    const shape = (items: TemplateItem[]) => items.map((item) => (item.SpecialToken ? `S${item.SpecialToken.type_id}` : `${item.Sequence?.id}${item.Sequence?.type_id}`)).join(' ');
    const single = processor.single;
    const cls = single[0]?.SpecialToken?.id;
    const sep = single[2]?.SpecialToken?.id;
    const pairOk = shape(processor.pair) === 'S0 A0 S0 B1 S1' && processor.pair[0].SpecialToken?.id === cls && processor.pair[2].SpecialToken?.id === sep && processor.pair[4].SpecialToken?.id === sep;
    if (shape(single) === 'S0 A0 S0' && cls && sep && pairOk) return { clsToken: cls, sepToken: sep };
  }
  throw new Error(`${where}: post_processor ${processor.type} is not BERT's [CLS] A [SEP] B [SEP] template`);
}

interface TemplateItem {
  SpecialToken?: { id: string; type_id: number };
  Sequence?: { id: 'A' | 'B'; type_id: number };
}

/** The parts of a tokenizer.json that a BERT tokenizer reads. */
interface TokenizerJson {
  added_tokens?: Array<{
    id: number;
    content: string;
    special?: boolean;
    normalized?: boolean;
    single_word?: boolean;
    lstrip?: boolean;
    rstrip?: boolean;
  }>;
  normalizer?: {
    type: string;
    clean_text?: boolean;
    handle_chinese_chars?: boolean;
    strip_accents?: boolean | null;
    lowercase?: boolean;
  } | null;
  pre_tokenizer?: { type: string } | null;
  post_processor?: {
    type: string;
    single?: TemplateItem[];
    pair?: TemplateItem[];
    cls?: [string, number];
    sep?: [string, number];
  } | null;
  model: {
    type?: string;
    vocab: Record<string, number>;
    unk_token?: string;
    continuing_subword_prefix?: string;
    max_input_chars_per_word?: number;
  };
}
