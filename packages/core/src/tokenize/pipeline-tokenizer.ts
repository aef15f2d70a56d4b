/**
 * A tokenizer assembled the way Hugging Face's `tokenizers` library assembles one from a
 * `tokenizer.json`: added tokens found first, then normalizer → pre-tokenizer → model (WordPiece,
 * BPE or Unigram) → post-processor template, and a decoder for the way back. Every token keeps its
 * span in the caller's text (see `piece.ts`). `fromTokenizerJson` reads the file; the families
 * build one from `vocab.json` + `merges.txt` the way HF's converters do (`byte-level-bpe.ts`).
 */
import { tokenId } from '../checkpoint/config-fields.js';
import { AddedTokenMatcher, type AddedTokenMatch } from './added-tokens.js';
import { encodeBatchWith, truncationStrategy } from './batch.js';
import type { BatchEncodeOptions, DecodeOptions, EncodeOptions, Encoding } from './bert-tokenizer.js';
import { BpeModel } from './bpe.js';
import { cleanUpTokenization } from './decode.js';
import { decoderFromJson, type DecodeChain } from './decoders.js';
import { normalizerFromJson, type Normalize, type NormalizerJson } from './normalizers.js';
import { pieceOf, slicePiece, spanOf, type Piece } from './piece.js';
import { preTokenizerFromJson, type PreTokenize, type PreTokenizerJson } from './pre-tokenizers.js';
import { specialTokenCount, templateFromJson, type Template } from './templates.js';
import type { Tokenizer } from './tokenizer.js';
import { truncatedLengths } from './truncation.js';
import { UnigramModel } from './unigram.js';
import { WordpieceTokenizer, type Pieces } from './wordpiece.js';

/** The model step: one pre-tokenized word in, its tokens out. */
interface TokenModel {
  readonly vocabSize: number;
  tokenize(word: string, out: Pieces): void;
  tokenToId(token: string): number | undefined;
  idToToken(id: number): string | undefined;
}

export interface PipelineAddedToken {
  id: number;
  content: string;
  special: boolean;
  /** Matched in the normalized text rather than the original. */
  normalized: boolean;
  /** Takes the whitespace on its left (RoBERTa's `<mask>`), or on its right. */
  lstrip: boolean;
  rstrip: boolean;
  /** Matches only as a whole word. */
  singleWord: boolean;
}

/** Names of the special tokens a model's heads and padding use (tokenizer_config.json's). */
export interface SpecialTokenNames {
  unk?: string;
  pad?: string;
  mask?: string;
  bos?: string;
  eos?: string;
}

interface PipelineTokenizerConfig {
  model: TokenModel;
  normalizer?: Normalize | null;
  preTokenizer?: PreTokenize | null;
  template: Template;
  decoder: DecodeChain;
  addedTokens: PipelineAddedToken[];
  specialTokens?: SpecialTokenNames;
  modelMaxLength?: number;
  /** HF's `clean_up_tokenization_spaces` after decoding (" ." → "."). Default false. */
  cleanUpTokenizationSpaces?: boolean;
}

/** The tokens of one text before the template: parallel arrays. */
interface Sequence {
  ids: number[];
  starts: number[];
  ends: number[];
  words: number[];
}

const WORD_CHAR = /[\p{Alphabetic}\p{M}\p{Nd}\p{Pc}]/u;
const WHITESPACE = /\s/u;

export class PipelineTokenizer implements Tokenizer {
  readonly modelMaxLength: number | undefined;
  readonly unkTokenId?: number;
  readonly padTokenId?: number;
  readonly maskToken?: string;
  readonly maskTokenId?: number;
  readonly bosTokenId?: number;
  readonly eosTokenId?: number;
  readonly template: Template;

  private readonly model: TokenModel;
  private readonly normalizer: Normalize | null;
  private readonly preTokenizer: PreTokenize | null;
  private readonly decoder: DecodeChain;
  private readonly cleanUp: boolean;
  private readonly added = new Map<number, PipelineAddedToken>();
  private readonly addedByContent = new Map<string, PipelineAddedToken>();
  private readonly rawMatcher: AddedTokenMatcher;
  private readonly normalizedMatcher: AddedTokenMatcher;

  constructor(config: PipelineTokenizerConfig) {
    this.model = config.model;
    this.normalizer = config.normalizer ?? null;
    this.preTokenizer = config.preTokenizer ?? null;
    this.template = config.template;
    this.decoder = config.decoder;
    this.cleanUp = config.cleanUpTokenizationSpaces ?? false;
    this.modelMaxLength = config.modelMaxLength;
    for (const token of config.addedTokens) {
      if (!Number.isInteger(token.id) || token.id < 0) throw new Error(`added token ${JSON.stringify(token.content)} has the invalid id ${JSON.stringify(token.id)}`);
      this.added.set(token.id, token);
      this.addedByContent.set(token.content, token);
    }
    // A normalized added token is looked for in normalized text, so its content is normalized too.
    this.rawMatcher = new AddedTokenMatcher(config.addedTokens.filter((t) => !t.normalized || !this.normalizer).map((token) => ({ content: token.content, token })));
    this.normalizedMatcher = new AddedTokenMatcher(
      config.addedTokens.filter((t) => t.normalized && this.normalizer).map((token) => ({ content: this.normalizer!(pieceOf(token.content)).text, token })),
    );
    const names = config.specialTokens ?? {};
    const idOf = (name: string | undefined, role: string): number | undefined => {
      if (name === undefined) return undefined;
      const id = this.tokenToId(name);
      if (id === undefined) throw new Error(`the ${role} token ${name} is not in the vocabulary`);
      return id;
    };
    this.unkTokenId = idOf(names.unk, 'unknown');
    this.padTokenId = idOf(names.pad, 'padding');
    this.maskTokenId = idOf(names.mask, 'mask');
    this.maskToken = this.maskTokenId === undefined ? undefined : names.mask;
    this.bosTokenId = idOf(names.bos, 'beginning-of-text');
    this.eosTokenId = idOf(names.eos, 'end-of-text');
  }

  /** From a Hugging Face `tokenizer.json` (parsed); `where` names it in errors. */
  static fromTokenizerJson(
    json: unknown,
    options: { where?: string; specialTokens?: SpecialTokenNames; modelMaxLength?: number; cleanUpTokenizationSpaces?: boolean } = {},
  ): PipelineTokenizer {
    const where = options.where ?? 'tokenizer.json';
    const file = json as TokenizerJson;
    if (!file || typeof file !== 'object' || !file.model || typeof file.model !== 'object') throw new Error(`${where}: expected an object with "model"`);
    return new PipelineTokenizer({
      model: modelFromJson(file.model, where),
      normalizer: file.normalizer ? normalizerFromJson(file.normalizer, where) : null,
      preTokenizer: file.pre_tokenizer ? preTokenizerFromJson(file.pre_tokenizer, where) : null,
      template: templateFromJson(file.post_processor, where),
      decoder: decoderFromJson(file.decoder, where),
      addedTokens: (file.added_tokens ?? []).map((t, i) => {
        if (typeof t?.content !== 'string' || !Number.isInteger(t.id)) throw new Error(`${where}: added_tokens[${i}] needs an integer "id" and a string "content"`);
        return {
          id: t.id,
          content: t.content,
          special: t.special ?? false,
          normalized: t.normalized ?? !(t.special ?? false),
          lstrip: t.lstrip ?? false,
          rstrip: t.rstrip ?? false,
          singleWord: t.single_word ?? false,
        };
      }),
      specialTokens: options.specialTokens ?? guessSpecialTokens(file),
      modelMaxLength: options.modelMaxLength,
      cleanUpTokenizationSpaces: options.cleanUpTokenizationSpaces,
    });
  }

  get vocabSize(): number {
    let size = this.model.vocabSize;
    for (const id of this.added.keys()) size = Math.max(size, id + 1);
    return size;
  }

  tokenToId(token: string): number | undefined {
    return this.addedByContent.get(token)?.id ?? this.model.tokenToId(token);
  }

  idToToken(id: number): string {
    const token = this.added.get(id)?.content ?? this.model.idToToken(id);
    if (token === undefined) throw new RangeError(`token id ${id} is not in the vocabulary (0 to ${this.vocabSize - 1})`);
    return token;
  }

  isSpecialId(id: number): boolean {
    return this.added.get(id)?.special ?? false;
  }

  tokenize(text: string): string[] {
    return this.tokenizeSequence(text).ids.map((id) => this.idToToken(id));
  }

  encode(text: string, options?: EncodeOptions): Encoding;
  encode(text: string, textPair?: string | null, options?: EncodeOptions): Encoding;
  encode(text: string, pairOrOptions?: string | null | EncodeOptions, maybeOptions: EncodeOptions = {}): Encoding {
    const [textPair, options] =
      typeof pairOrOptions === 'object' && pairOrOptions !== null ? [null, pairOrOptions] : [pairOrOptions ?? null, maybeOptions];
    const addSpecialTokens = options.addSpecialTokens ?? true;
    let first = this.tokenizeSequence(text);
    let second = textPair === null ? null : this.tokenizeSequence(textPair);
    const added = addSpecialTokens ? specialTokenCount(this.template, second !== null) : 0;
    const length = first.ids.length + (second?.ids.length ?? 0) + added;
    const strategy = truncationStrategy(options.truncation);
    const maxLength = options.maxLength ?? (strategy ? this.modelMaxLength : undefined);
    if (strategy && maxLength === undefined) throw new Error('truncation needs maxLength (this tokenizer has no modelMaxLength)');
    if (maxLength !== undefined && length > maxLength) {
      if (!strategy) throw new Error(`the input has ${length} tokens, more than maxLength ${maxLength}; pass truncation: true or a shorter text`);
      const [keepFirst, keepSecond] = truncatedLengths(first.ids.length, second ? second.ids.length : null, maxLength, added, strategy);
      first = truncate(first, keepFirst);
      if (second) second = truncate(second, keepSecond);
    }
    return this.postProcess(first, second, addSpecialTokens);
  }

  encodeBatch(inputs: ReadonlyArray<string | readonly [string, string]>, options: BatchEncodeOptions = {}): Encoding[] {
    return encodeBatchWith(inputs, options, (text, pair) => this.encode(text, pair, options), {
      padTokenId: this.padTokenId,
      padToken: this.padTokenId === undefined ? '' : this.idToToken(this.padTokenId),
      modelMaxLength: this.modelMaxLength,
    });
  }

  decode(ids: readonly number[], options: DecodeOptions = {}): string {
    const kept = options.skipSpecialTokens ? ids.filter((id) => !this.isSpecialId(id)) : [...ids];
    const tokens = kept.map((id) => this.idToToken(id));
    const text = this.decoder(tokens, (i) => this.added.has(kept[i])).join('');
    return (options.cleanUpTokenizationSpaces ?? this.cleanUp) ? cleanUpTokenization(text) : text;
  }

  /** Added tokens, then (between them) normalizer, pre-tokenizer and model; offsets index `text`. */
  private tokenizeSequence(text: string): Sequence {
    const sequence: Sequence = { ids: [], starts: [], ends: [], words: [] };
    let word = 0;
    let section = 0;
    let from = 0;
    let previous: PipelineAddedToken | undefined;
    const nextWord = () => word++;
    for (const match of this.findAdded(this.rawMatcher, text)) {
      const token = this.added.get(match.token.id)!;
      if (match.start > from) this.tokenizeSection(text, from, match.start, previous, token, section++, sequence, nextWord);
      pushToken(sequence, token.id, match.start, match.end, nextWord());
      section++;
      from = match.end;
      previous = token;
    }
    if (from < text.length) this.tokenizeSection(text, from, text.length, previous, undefined, section, sequence, nextWord);
    return sequence;
  }

  /**
   * The text between two added tokens (`before`, `after`: the tokens around it, if any). An
   * rstrip token before it, or an lstrip token after it, takes the whitespace on its side.
   */
  private tokenizeSection(
    text: string,
    from: number,
    to: number,
    before: PipelineAddedToken | undefined,
    after: PipelineAddedToken | undefined,
    sectionIndex: number,
    sequence: Sequence,
    nextWord: () => number,
  ): void {
    let start = from;
    let end = to;
    if (before?.rstrip) while (start < end && WHITESPACE.test(text[start])) start++;
    if (after?.lstrip) while (end > start && WHITESPACE.test(text[end - 1])) end--;
    if (end <= start) return;
    const normalized = this.normalizer ? this.normalizer(pieceOf(text, start, end)) : pieceOf(text, start, end);
    let at = 0;
    for (const match of this.findAdded(this.normalizedMatcher, normalized.text)) {
      this.tokenizeWords(slicePiece(normalized, at, match.start), sectionIndex, sequence, nextWord);
      const [s, e] = spanOf(normalized, match.start, match.end);
      pushToken(sequence, match.token.id, s, e, nextWord());
      at = match.end;
    }
    this.tokenizeWords(slicePiece(normalized, at, normalized.text.length), sectionIndex, sequence, nextWord);
  }

  private tokenizeWords(piece: Piece, sectionIndex: number, sequence: Sequence, nextWord: () => number): void {
    if (piece.text.length === 0) return;
    const words = this.preTokenizer ? this.preTokenizer(piece, { sectionIndex }) : [piece];
    const out: Pieces = { ids: [], starts: [], ends: [] };
    for (const w of words) {
      out.ids.length = out.starts.length = out.ends.length = 0;
      this.model.tokenize(w.text, out);
      const index = nextWord();
      for (let t = 0; t < out.ids.length; t++) {
        let a = out.starts[t];
        let b = out.ends[t];
        if (this.template.trimOffsets) {
          // Byte-level "Ġ" is a space: RoBERTa's offsets leave it out.
          while (a < b - 1 && w.text[a] === '\u0120') a++;
          while (b > a + 1 && w.text[b - 1] === '\u0120') b--;
        }
        const [s, e] = spanOf(w, a, b);
        pushToken(sequence, out.ids[t], s, e, index);
      }
    }
  }

  /** Matches of added tokens, without the single-word ones found inside a word. */
  private findAdded(matcher: AddedTokenMatcher, text: string): AddedTokenMatch[] {
    return matcher.find(text).filter(({ token, start, end }) => {
      const t = this.added.get(token.id)!;
      if (!t.singleWord) return true;
      return !(start > 0 && WORD_CHAR.test(text[start - 1])) && !(end < text.length && WORD_CHAR.test(text[end]));
    });
  }

  private postProcess(first: Sequence, second: Sequence | null, addSpecialTokens: boolean): Encoding {
    const encoding: Encoding = { ids: [], tokens: [], tokenTypeIds: [], attentionMask: [], offsets: [], wordIds: [], sequenceIds: [] };
    const push = (id: number, typeId: number, start: number, end: number, word: number | null, seq: number | null) => {
      encoding.ids.push(id);
      encoding.tokens.push(this.idToToken(id));
      encoding.tokenTypeIds.push(typeId);
      encoding.attentionMask.push(1);
      encoding.offsets.push([start, end]);
      encoding.wordIds.push(word);
      encoding.sequenceIds.push(seq);
    };
    for (const item of second ? this.template.pair : this.template.single) {
      if ('special' in item) {
        if (addSpecialTokens) for (const id of item.special.ids) push(id, item.typeId, 0, 0, null, null);
        continue;
      }
      const [s, index] = item.sequence === 'A' ? [first, 0] : [second!, 1];
      for (let i = 0; i < s.ids.length; i++) push(s.ids[i], item.typeId, s.starts[i], s.ends[i], s.words[i], index);
    }
    return encoding;
  }
}

function pushToken(sequence: Sequence, id: number, start: number, end: number, word: number): void {
  sequence.ids.push(id);
  sequence.starts.push(start);
  sequence.ends.push(end);
  sequence.words.push(word);
}

function truncate(s: Sequence, keep: number): Sequence {
  if (keep >= s.ids.length) return s;
  return { ids: s.ids.slice(0, keep), starts: s.starts.slice(0, keep), ends: s.ends.slice(0, keep), words: s.words.slice(0, keep) };
}

/** The `model` of a tokenizer.json: WordPiece, BPE or Unigram. */
function modelFromJson(model: TokenizerJson['model'], where: string): TokenModel {
  const type = model.type ?? (Array.isArray(model.merges) ? 'BPE' : Array.isArray(model.vocab) ? 'Unigram' : 'WordPiece');
  switch (type) {
    case 'WordPiece': {
      const vocab = vocabMap(model.vocab, where);
      const wordpiece = new WordpieceTokenizer(vocab, {
        unkToken: model.unk_token ?? '[UNK]',
        continuingSubwordPrefix: model.continuing_subword_prefix ?? '##',
        maxInputCharsPerWord: model.max_input_chars_per_word ?? 100,
      });
      const tokens: string[] = [];
      for (const [token, id] of vocab) tokens[id] = token;
      return {
        vocabSize: tokens.length,
        tokenize: (word, out) => wordpiece.tokenize(word, out),
        tokenToId: (token) => vocab.get(token),
        idToToken: (id) => tokens[id],
      };
    }
    case 'BPE': {
      const merges = (model.merges ?? []).map((m, i): [string, string] => {
        if (Array.isArray(m) && m.length === 2) return [String(m[0]), String(m[1])];
        if (typeof m === 'string') {
          const parts = m.split(' ');
          if (parts.length === 2) return [parts[0], parts[1]];
        }
        throw new Error(`${where}: model.merges[${i}] should be "a b" or ["a", "b"], got ${JSON.stringify(m)}`);
      });
      try {
        return new BpeModel(vocabMap(model.vocab, where), merges, {
          unkToken: model.unk_token ?? null,
          continuingSubwordPrefix: model.continuing_subword_prefix ?? null,
          endOfWordSuffix: model.end_of_word_suffix ?? null,
          fuseUnk: model.fuse_unk ?? false,
          byteFallback: model.byte_fallback ?? false,
          ignoreMerges: model.ignore_merges ?? false,
        });
      } catch (e) {
        throw new Error(`${where}: ${(e as Error).message}`, { cause: e });
      }
    }
    case 'Unigram': {
      if (!Array.isArray(model.vocab)) throw new Error(`${where}: a Unigram model's vocab is a list of [piece, score]`);
      const pieces = model.vocab.map((entry, i): [string, number] => {
        if (Array.isArray(entry) && typeof entry[0] === 'string' && typeof entry[1] === 'number' && Number.isFinite(entry[1])) return [entry[0], entry[1]];
        throw new Error(`${where}: model.vocab[${i}] should be [piece, score], got ${JSON.stringify(entry)}`);
      });
      return new UnigramModel(pieces, { unkId: model.unk_id ?? null, byteFallback: model.byte_fallback ?? false });
    }
    default:
      throw new Error(`${where}: model type "${type}" is not supported (WordPiece, BPE or Unigram)`);
  }
}

/** A {token: id} vocabulary, every id a non-negative integer. */
export function vocabMap(vocab: unknown, where: string): Map<string, number> {
  if (!vocab || typeof vocab !== 'object' || Array.isArray(vocab)) throw new Error(`${where}: the vocabulary should be an object of token → id`);
  const entries = Object.entries(vocab as Record<string, unknown>);
  if (entries.length === 0) throw new Error(`${where}: the vocabulary is empty`);
  const map = new Map<string, number>();
  for (const [token, id] of entries) {
    map.set(token, tokenId(id, `token ${JSON.stringify(token)}`, where));
  }
  return map;
}

/** Special tokens named by convention, for a tokenizer.json that comes without tokenizer_config.json. */
function guessSpecialTokens(file: TokenizerJson): SpecialTokenNames {
  const contents = new Set((file.added_tokens ?? []).map((t) => t.content));
  const first = (...names: string[]) => names.find((n) => contents.has(n));
  return {
    unk: first('[UNK]', '<unk>'),
    pad: first('[PAD]', '<pad>'),
    mask: first('[MASK]', '<mask>'),
    bos: first('<s>', '<|endoftext|>', '[CLS]'),
    eos: first('</s>', '<|endoftext|>', '[SEP]'),
  };
}

interface TokenizerJson {
  added_tokens?: Array<{ id: number; content: string; special?: boolean; normalized?: boolean; single_word?: boolean; lstrip?: boolean; rstrip?: boolean }>;
  normalizer?: NormalizerJson | null;
  pre_tokenizer?: PreTokenizerJson | null;
  post_processor?: { type: string; [key: string]: unknown } | null;
  decoder?: { type: string; [key: string]: unknown } | null;
  model: {
    type?: string;
    vocab?: unknown;
    merges?: unknown[];
    unk_token?: string | null;
    unk_id?: number | null;
    continuing_subword_prefix?: string | null;
    end_of_word_suffix?: string | null;
    max_input_chars_per_word?: number;
    fuse_unk?: boolean;
    byte_fallback?: boolean;
    ignore_merges?: boolean;
  };
}
