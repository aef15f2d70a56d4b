/**
 * Token classification (NER, chunking, POS), Hugging Face's BertForTokenClassification: a linear
 * layer `classifier` on every top-layer token state. Words are labelled on their first WordPiece
 * (see word-labels.ts); the loss ignores every other position.
 */
import * as tf from '@tensorflow/tfjs-core';
import { bertForward, linear, withoutPooler, type BertConfig, type BertInputs, type BertWeights } from '@wb/core';
import { checkLinear, initLinear } from './init-linear.js';

export function initTokenClassificationHead(config: BertConfig, numLabels: number, seed: number): BertWeights {
  if (!Number.isInteger(numLabels) || numLabels < 2) throw new Error(`token classification needs at least 2 labels, got ${numLabels}`);
  return initLinear('classifier', config.hiddenSize, numLabels, config.initializerRange, seed);
}

/** Logits [batch, seq, numLabels]. */
export function tokenClassificationLogits(weights: BertWeights, config: BertConfig, inputs: BertInputs): tf.Tensor3D {
  checkLinear(weights, 'classifier', config.hiddenSize, 'token classification');
  return tf.tidy(() => {
    const { lastHiddenState } = bertForward(withoutPooler(weights), config, inputs);
    return linear(lastHiddenState, weights['classifier.weight'], weights['classifier.bias']) as tf.Tensor3D;
  });
}
