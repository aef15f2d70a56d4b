/**
 * What every tokenizer gives a model, its commands and its notebooks, whatever its algorithm:
 * BERT's WordPiece (`BertTokenizer`), and the `tokenizer.json` pipelines (`PipelineTokenizer`:
 * byte-level BPE for GPT-2 and RoBERTa, SentencePiece Unigram for ALBERT, WordPiece, …). All give
 * Hugging Face's ids, with offsets into the caller's text, word ids and sequence ids.
 */
import type { BatchEncodeOptions, DecodeOptions, EncodeOptions, Encoding } from './bert-tokenizer.js';

export interface Tokenizer {
  /** Number of ids (the highest id + 1), added tokens included. */
  readonly vocabSize: number;
  /** The longest input the model takes, when the tokenizer knows it. */
  readonly modelMaxLength: number | undefined;
  readonly unkTokenId?: number;
  readonly padTokenId?: number;
  /** The masked-LM token ([MASK], <mask>), when the tokenizer has one. */
  readonly maskToken?: string;
  readonly maskTokenId?: number;
  readonly bosTokenId?: number;
  readonly eosTokenId?: number;

  encode(text: string, options?: EncodeOptions): Encoding;
  encode(text: string, textPair?: string | null, options?: EncodeOptions): Encoding;
  encodeBatch(inputs: ReadonlyArray<string | readonly [string, string]>, options?: BatchEncodeOptions): Encoding[];
  decode(ids: readonly number[], options?: DecodeOptions): string;
  /** The tokens of a text, without special tokens. */
  tokenize(text: string): string[];
  tokenToId(token: string): number | undefined;
  idToToken(id: number): string;
  isSpecialId(id: number): boolean;
}
