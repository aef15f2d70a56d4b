/**
 * Model inputs for a batch of already-tokenised sequences, padded on the right to the longest in
 * the batch (not to a fixed length: on CPU every padded position costs as much as a real one).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BertInputs } from '@wb/core';

/** One tokenised sequence: ids with [CLS]/[SEP] already in place, and its segment (token type) ids. */
export interface TokenizedInput {
  ids: readonly number[];
  typeIds: readonly number[];
}

export interface PaddedBatch {
  batch: number;
  seq: number;
  inputIds: Int32Array;
  tokenTypeIds: Int32Array;
  /** 1 for real tokens, 0 for padding. */
  attentionMask: Float32Array;
}

export function padBatch(inputs: readonly TokenizedInput[], padTokenId: number): PaddedBatch {
  const batch = inputs.length;
  const seq = inputs.reduce((most, input) => Math.max(most, input.ids.length), 0);
  const inputIds = new Int32Array(batch * seq).fill(padTokenId);
  const tokenTypeIds = new Int32Array(batch * seq);
  const attentionMask = new Float32Array(batch * seq);
  inputs.forEach((input, b) => {
    if (input.typeIds.length !== input.ids.length) {
      throw new Error(`padBatch: input ${b} has ${input.ids.length} ids but ${input.typeIds.length} token type ids`);
    }
    inputIds.set(input.ids, b * seq);
    tokenTypeIds.set(input.typeIds, b * seq);
    attentionMask.fill(1, b * seq, b * seq + input.ids.length);
  });
  return { batch, seq, inputIds, tokenTypeIds, attentionMask };
}

/** The padded batch as the tensors `bertForward` takes (the caller disposes them, or runs inside a tidy). */
export function toBertInputs(padded: PaddedBatch): Required<BertInputs> {
  const shape: [number, number] = [padded.batch, padded.seq];
  return {
    inputIds: tf.tensor2d(padded.inputIds, shape, 'int32'),
    tokenTypeIds: tf.tensor2d(padded.tokenTypeIds, shape, 'int32'),
    attentionMask: tf.tensor2d(padded.attentionMask, shape, 'float32'),
  };
}

/**
 * Batches of indices in order of input length, so that each batch pads to about its own length;
 * for inference, where order does not matter (results are put back by index).
 */
export function lengthSortedBatches(lengths: readonly number[], batchSize: number): number[][] {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`batch size must be a positive integer, got ${batchSize}`);
  const order = lengths.map((_, i) => i).sort((a, b) => lengths[a] - lengths[b] || a - b);
  const batches: number[][] = [];
  for (let from = 0; from < order.length; from += batchSize) batches.push(order.slice(from, from + batchSize));
  return batches;
}
