/** BERT's pretraining loss: masked-LM cross-entropy over the masked positions plus next-sentence cross-entropy. */
import * as tf from '@tensorflow/tfjs-core';
import { bertForward, mlmLogits, nspLogits, type BertConfig, type BertWeights } from '../models/bert.js';
import { crossEntropy } from '../ops/cross-entropy.js';
import { gatherRows } from '../ops/gather-rows.js';
import type { LossOutput } from '../train/trainer.js';
import type { PretrainingBatch } from './bert-data.js';

/** The pretraining heads' logits on a batch: the masked-LM decoder at the masked positions only, and NSP. */
export function pretrainingLogits(weights: BertWeights, config: BertConfig, batch: PretrainingBatch): { mlm: tf.Tensor2D; nsp: tf.Tensor2D } {
  const shape: [number, number] = [batch.batchSize, batch.seqLength];
  const inputIds = tf.tensor2d(batch.inputIds, shape, 'int32');
  const tokenTypeIds = tf.tensor2d(batch.tokenTypeIds, shape, 'int32');
  const attentionMask = tf.tensor2d(batch.attentionMask, shape, 'float32');
  const outputs = bertForward(weights, config, { inputIds, tokenTypeIds, attentionMask });
  // Only the masked positions go through the vocabulary-sized decoder.
  const hidden = tf.reshape(outputs.lastHiddenState, [-1, config.hiddenSize]);
  const masked = gatherRows(hidden, tf.tensor1d(batch.maskedIndices, 'int32'));
  return { mlm: mlmLogits(weights, config, masked) as tf.Tensor2D, nsp: nspLogits(weights, outputs.poolerOutput!) as tf.Tensor2D };
}

/** MLM + nspWeight · NSP (RoBERTa drops NSP: nspWeight 0 still reports it, without its gradient). */
export function bertPretrainingLoss(weights: BertWeights, config: BertConfig, batch: PretrainingBatch, nspWeight = 1): LossOutput {
  const logits = pretrainingLogits(weights, config, batch);
  const mlm = crossEntropy(logits.mlm, batch.maskedLabels);
  const nsp = crossEntropy(logits.nsp, batch.nextSentenceLabels);
  const loss = nspWeight === 0 ? mlm : (tf.add(mlm, tf.mul(nsp, nspWeight)) as tf.Scalar);
  return { loss, parts: { mlm, nsp } };
}
