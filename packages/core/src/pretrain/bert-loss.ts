/** BERT's pretraining loss: masked-LM cross-entropy over the masked positions plus next-sentence cross-entropy. */
import * as tf from '@tensorflow/tfjs-core';
import { bertForward, mlmLogits, nspLogits, type BertConfig, type BertWeights } from '../models/bert.js';
import { crossEntropy } from '../ops/cross-entropy.js';
import { gatherRows } from '../ops/gather-rows.js';
import type { LossOutput } from '../train/trainer.js';
import type { PretrainingBatch } from './bert-data.js';
import { meanDirectionShare } from './isotropy.js';

/**
 * The pretraining heads' logits on a batch: the masked-LM decoder at the masked positions only, NSP,
 * and, when the batch labels any, the same decoder at the positions labelled with their right
 * neighbour (see `neighborWeight`).
 */
export function pretrainingLogits(
  weights: BertWeights,
  config: BertConfig,
  batch: PretrainingBatch,
): { mlm: tf.Tensor2D; nsp: tf.Tensor2D; neighbor?: tf.Tensor2D; hiddenStates: tf.Tensor3D[]; attentionMask: tf.Tensor2D } {
  const shape: [number, number] = [batch.batchSize, batch.seqLength];
  const inputIds = tf.tensor2d(batch.inputIds, shape, 'int32');
  const tokenTypeIds = tf.tensor2d(batch.tokenTypeIds, shape, 'int32');
  const attentionMask = tf.tensor2d(batch.attentionMask, shape, 'float32');
  const outputs = bertForward(weights, config, { inputIds, tokenTypeIds, attentionMask });
  // Only the masked positions go through the vocabulary-sized decoder.
  const hidden = tf.reshape(outputs.lastHiddenState, [-1, config.hiddenSize]);
  const masked = gatherRows(hidden, tf.tensor1d(batch.maskedIndices, 'int32'));
  const logits = {
    mlm: mlmLogits(weights, config, masked) as tf.Tensor2D,
    nsp: nspLogits(weights, outputs.poolerOutput!) as tf.Tensor2D,
    hiddenStates: outputs.hiddenStates,
    attentionMask,
  };
  if (batch.neighborIndices.length === 0) return logits;
  const labelled = gatherRows(hidden, tf.tensor1d(batch.neighborIndices, 'int32'));
  return { ...logits, neighbor: mlmLogits(weights, config, labelled) as tf.Tensor2D };
}

/** How much each auxiliary term counts beside the masked LM (0: off). */
export interface PretrainingLossWeights {
  /** Next-sentence prediction (BERT: 1; RoBERTa drops it: 0 still reports it, without its gradient). */
  nsp?: number;
  /** Next-token cross-entropy at the batch's neighbour-labelled positions (see below). */
  neighbor?: number;
  /** The mean-direction share of the encoder layers' outputs (see isotropy.ts). */
  isotropy?: number;
}

/**
 * MLM + nsp · NSP + neighbor · next-token loss + isotropy · mean-direction share.
 *
 * Why the neighbour term: a small BERT sits long on the plateau where the masked LM predicts frequent
 * tokens whatever the context, because a [MASK] carries nothing until attention learns to read the
 * positions around it. Predicting a visible token's right neighbour through the same decoder is a
 * copy task that rewards exactly that attention (to the next position) at every labelled token, where
 * the masked LM rewards it only weakly at 15–30% of them. The decoder and every weight are BERT's own:
 * the checkpoint stays a BertForPreTraining.
 */
export function bertPretrainingLoss(weights: BertWeights, config: BertConfig, batch: PretrainingBatch, lossWeights: PretrainingLossWeights = {}): LossOutput {
  const { nsp: nspWeight = 1, neighbor: neighborWeight = 0, isotropy: isotropyWeight = 0 } = lossWeights;
  const logits = pretrainingLogits(weights, config, batch);
  const mlm = crossEntropy(logits.mlm, batch.maskedLabels);
  const nsp = crossEntropy(logits.nsp, batch.nextSentenceLabels);
  let loss = nspWeight === 0 ? mlm : (tf.add(mlm, tf.mul(nsp, nspWeight)) as tf.Scalar);
  const parts: Record<string, tf.Scalar> = { mlm, nsp };
  if (logits.neighbor) {
    parts.neighbor = crossEntropy(logits.neighbor, batch.neighborLabels);
    if (neighborWeight !== 0) loss = tf.add(loss, tf.mul(parts.neighbor, neighborWeight)) as tf.Scalar;
  }
  if (isotropyWeight !== 0) {
    parts.isotropy = meanDirectionShare(logits.hiddenStates.slice(1), logits.attentionMask);
    loss = tf.add(loss, tf.mul(parts.isotropy, isotropyWeight)) as tf.Scalar;
  }
  return { loss, parts };
}

/**
 * The same loss for a gradient worker (train/gradient-workers.ts), set up from plain data
 * (the worker finds it by name in this module's built JavaScript).
 */
export function pretrainingLossInWorker({ config, lossWeights }: { config: BertConfig; lossWeights: PretrainingLossWeights }) {
  return (params: BertWeights, batch: PretrainingBatch) => bertPretrainingLoss(params, config, batch, lossWeights);
}
