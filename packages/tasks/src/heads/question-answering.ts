/**
 * Extractive question answering, Hugging Face's BertForQuestionAnswering: a linear layer
 * `qa_outputs` (hidden → 2) on every top-layer token state gives a start and an end logit per
 * token; the answer is the best-scoring context span (qa-spans.ts). Inputs are
 * `[CLS] question [SEP] context window [SEP]` (qa-windows.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import { bertForward, linear, withoutPooler, type BertConfig, type BertInputs, type BertWeights } from '@wb/core';
import { checkLinear, initLinear } from './init-linear.js';

export function initQuestionAnsweringHead(config: BertConfig, seed: number): BertWeights {
  return initLinear('qa_outputs', config.hiddenSize, 2, config.initializerRange, seed);
}

export interface SpanLogits {
  /** [batch, seq] */
  startLogits: tf.Tensor2D;
  /** [batch, seq] */
  endLogits: tf.Tensor2D;
}

export function questionAnsweringLogits(weights: BertWeights, config: BertConfig, inputs: BertInputs): SpanLogits {
  const outputs = checkLinear(weights, 'qa_outputs', config.hiddenSize, 'question answering');
  if (outputs !== 2) throw new Error(`question answering: qa_outputs has ${outputs} outputs, expected 2 (start, end)`);
  const [startLogits, endLogits] = tf.tidy(() => {
    const { lastHiddenState } = bertForward(withoutPooler(weights), config, inputs);
    const [batch, seq] = lastHiddenState.shape;
    const logits = linear(lastHiddenState, weights['qa_outputs.weight'], weights['qa_outputs.bias']); // [batch, seq, 2]
    // Slicing the last axis keeps both halves differentiable (tf.unstack would too, but slower on wasm).
    const start = tf.reshape(tf.slice(logits, [0, 0, 0], [batch, seq, 1]), [batch, seq]);
    const end = tf.reshape(tf.slice(logits, [0, 0, 1], [batch, seq, 1]), [batch, seq]);
    return [start, end] as tf.Tensor2D[];
  });
  return { startLogits, endLogits };
}
