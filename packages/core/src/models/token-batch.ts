/**
 * What every token model does between text and tensors: encode a batch, pad it to its longest
 * member (padding is masked out, so the id used does not matter to the real positions), refuse or
 * cut inputs longer than the model's positions; and, on the way back, pool token vectors into word
 * vectors by their offsets.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { EmbeddedWord, WordPooling } from '../embed.js';
import { padEncoding } from '../tokenize/batch.js';
import type { Encoding } from '../tokenize/bert-tokenizer.js';
import { basicTokenize } from '../tokenize/basic.js';
import type { Tokenizer } from '../tokenize/tokenizer.js';
import type { Truncation } from '../tokenize/truncation.js';
import { tokensInSpan } from '../word-spans.js';

interface EncodedBatch {
  encodings: Encoding[];
  /** [batch, seq] int32 */
  inputIds: tf.Tensor2D;
  /** [batch, seq] int32 */
  tokenTypeIds: tf.Tensor2D;
  /** [batch, seq] float32: 1 for tokens, 0 for padding */
  attentionMask: tf.Tensor2D;
}

/** A padded batch's ids as flat row-major arrays (what an encoder engine takes). */
export interface BatchIds {
  batch: number;
  seq: number;
  inputIds: Int32Array;
  tokenTypeIds: Int32Array;
  attentionMask: Float32Array;
}

/** Encodes and pads a batch for a model of `limit` positions: the encodings and their ids as arrays. */
export function encodeBatchIds(
  tokenizer: Tokenizer,
  inputs: ReadonlyArray<string | readonly [string, string]>,
  limit: number,
  options: { maxLength?: number; truncation?: Truncation } = {},
): { encodings: Encoding[]; ids: BatchIds } {
  const maxLength = Math.min(options.maxLength ?? limit, limit);
  const encodings = tokenizer.encodeBatch(inputs, { maxLength, truncation: options.truncation ?? false });
  const seq = encodings.reduce((most, e) => Math.max(most, e.ids.length), 0);
  if (seq > limit) throw new Error(`an input has ${seq} tokens but the model has ${limit} positions; pass truncation or a shorter text`);
  const padId = tokenizer.padTokenId ?? tokenizer.eosTokenId ?? 0;
  const padToken = tokenizer.idToToken(padId);
  for (const e of encodings) padEncoding(e, seq, padId, padToken);
  const flat = (pick: (e: Encoding) => number[]) => Int32Array.from(encodings.flatMap(pick));
  return {
    encodings,
    ids: {
      batch: encodings.length,
      seq,
      inputIds: flat((e) => e.ids),
      tokenTypeIds: flat((e) => e.tokenTypeIds),
      attentionMask: Float32Array.from(encodings.flatMap((e) => e.attentionMask)),
    },
  };
}

/** `encodeBatchIds` as tensors. Dispose them. */
export function encodeBatch(
  tokenizer: Tokenizer,
  inputs: ReadonlyArray<string | readonly [string, string]>,
  limit: number,
  options: { maxLength?: number; truncation?: Truncation } = {},
): EncodedBatch {
  const { encodings, ids } = encodeBatchIds(tokenizer, inputs, limit, options);
  const shape: [number, number] = [ids.batch, ids.seq];
  return {
    encodings,
    inputIds: tf.tensor2d(ids.inputIds, shape, 'int32'),
    tokenTypeIds: tf.tensor2d(ids.tokenTypeIds, shape, 'int32'),
    attentionMask: tf.tensor2d(ids.attentionMask, shape, 'float32'),
  };
}

/** Words of an input with their spans in `text`: the caller's words, or BERT's basic tokenisation. */
function wordSpans(input: string | string[], text: string): Array<{ text: string; start: number; end: number }> {
  if (!Array.isArray(input)) return basicTokenize(text, { lowerCase: false });
  let start = 0;
  return input.map((word) => {
    const span = { text: word, start, end: start + word.length };
    start += word.length + 1;
    return span;
  });
}

/**
 * Per-word vectors of every layer from per-token vectors (`layers[l][token][d]` of one input):
 * each word takes the mean (or the first) of the tokens whose characters lie inside it. A
 * byte-level token's leading space (GPT-2's "Ġbank") is not part of the word it starts.
 */
export function wordsFromTokens(
  input: string | string[],
  text: string,
  offsets: ReadonlyArray<readonly [number, number]>,
  layers: number[][][],
  pooling: WordPooling,
): EmbeddedWord[] {
  const trimmed = offsets.map(([start, end]) => {
    let s = start;
    while (s < end && /\s/.test(text[s])) s++;
    return [s, end] as const;
  });
  const dim = layers[0]?.[0]?.length ?? 0;
  return wordSpans(input, text).map(({ text: word, start, end }) => {
    const pieces = tokensInSpan(trimmed, { start, end });
    const used = pooling === 'first' ? pieces.slice(0, 1) : pieces;
    return {
      word,
      start: Array.isArray(input) ? -1 : start,
      end: Array.isArray(input) ? -1 : end,
      layers: layers.map((layer) => meanOf(used.map((p) => layer[p]), dim)),
    };
  });
}

function meanOf(vectors: number[][], dim: number): Float32Array {
  const out = new Float32Array(dim);
  for (const v of vectors) for (let d = 0; d < dim; d++) out[d] += v[d];
  if (vectors.length > 1) for (let d = 0; d < dim; d++) out[d] /= vectors.length;
  return out;
}

/** Rows of a [batch, seq, …] array for one input, without its padding. */
export function realLength(encoding: Encoding): number {
  return encoding.attentionMask.reduce((a, b) => a + b, 0);
}
