/**
 * Sentence (and sentence-pair) classification, Hugging Face's BertForSequenceClassification: a
 * linear layer `classifier` on the pooled [CLS] vector. A pair goes through the same head; the
 * tokenizer puts it in one input as `[CLS] A [SEP] B [SEP]` with segment ids 0 then 1, which is
 * all BERT needs to tell the two sentences apart (the GLUE pair tasks, MRPC, QNLI, RTE, ...).
 *
 * The pooled vector is the pooler's output, tanh(W·h[CLS] + b), as in BERT and in Transformers;
 * `pooling: 'cls'` takes the raw top-layer [CLS] state instead (no pooler needed). Transformers
 * always applies the pooler, so only 'pooler' checkpoints behave the same once loaded there.
 */
import * as tf from '@tensorflow/tfjs-core';
import { bertForward, linear, pooler, withoutPooler, type BertConfig, type BertInputs, type BertWeights } from '@wb/core';
import { checkLinear, initLinear } from './init-linear.js';

export type ClassifierPooling = 'pooler' | 'cls';

export function initSequenceClassificationHead(config: BertConfig, numLabels: number, seed: number): BertWeights {
  if (!Number.isInteger(numLabels) || numLabels < 2) {
    throw new Error(`sequence classification needs at least 2 labels, got ${numLabels} (regression with 1 label is not supported)`);
  }
  return initLinear('classifier', config.hiddenSize, numLabels, config.initializerRange, seed);
}

/** The [CLS] summary the classifier reads: the pooler's output, or the raw top-layer [CLS] state. */
function pooledCls(weights: BertWeights, lastHiddenState: tf.Tensor3D, poolerOutput: tf.Tensor2D | undefined, pooling: ClassifierPooling): tf.Tensor2D {
  if (pooling === 'pooler') {
    if (!poolerOutput) throw new Error("pooling 'pooler' needs the pooler weights (pooler.dense.*); this model has none, use pooling 'cls'");
    return poolerOutput;
  }
  return tf.tidy(() => {
    const [batch, , hidden] = lastHiddenState.shape;
    return tf.reshape(tf.slice(lastHiddenState, [0, 0, 0], [batch, 1, hidden]), [batch, hidden]) as tf.Tensor2D;
  });
}

/** Logits [batch, numLabels] for each input (a sentence or a pair). */
export function sequenceClassificationLogits(
  weights: BertWeights,
  config: BertConfig,
  inputs: BertInputs,
  options: { pooling?: ClassifierPooling } = {},
): tf.Tensor2D {
  const pooling = options.pooling ?? 'pooler';
  checkLinear(weights, 'classifier', config.hiddenSize, 'sequence classification');
  return tf.tidy(() => {
    // The pooler is only computed when it will be used.
    const encoderWeights = pooling === 'pooler' ? weights : withoutPooler(weights);
    const outputs = bertForward(encoderWeights, config, inputs);
    const pooled = pooledCls(weights, outputs.lastHiddenState, outputs.poolerOutput, pooling);
    return linear(pooled, weights['classifier.weight'], weights['classifier.bias']) as tf.Tensor2D;
  });
}

/** The top-layer [CLS] state of each input, [batch, hidden]: all the head reads of a frozen encoder. */
export function clsStates(weights: BertWeights, config: BertConfig, inputs: BertInputs): tf.Tensor2D {
  return tf.tidy(() => {
    const { lastHiddenState } = bertForward(withoutPooler(weights), config, inputs);
    const [batch, , hidden] = lastHiddenState.shape;
    return tf.reshape(tf.slice(lastHiddenState, [0, 0, 0], [batch, 1, hidden]), [batch, hidden]) as tf.Tensor2D;
  });
}

/** Logits [batch, numLabels] from top-layer [CLS] states: the pooler (unless pooling is 'cls'), then the classifier. */
export function logitsFromClsStates(weights: BertWeights, cls: tf.Tensor2D, pooling: ClassifierPooling = 'pooler'): tf.Tensor2D {
  return tf.tidy(() => {
    const [batch, hidden] = cls.shape;
    const pooled = pooling === 'pooler' ? pooler(weights, tf.reshape(cls, [batch, 1, hidden]) as tf.Tensor3D) : cls;
    return linear(pooled, weights['classifier.weight'], weights['classifier.bias']) as tf.Tensor2D;
  });
}
