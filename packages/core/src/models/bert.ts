/**
 * BERT (Devlin et al. 2019) as in Hugging Face's modeling_bert.py: embeddings (word + position +
 * token type, LayerNorm), N post-LN transformer layers, the [CLS] pooler, and the pretraining heads
 * (masked LM with the decoder tied to the word embeddings, next-sentence prediction).
 *
 * Weights are a plain object keyed by Hugging Face names without the `bert.` prefix
 * (`embeddings.word_embeddings.weight`, `encoder.layer.0.attention.self.query.weight`, ...,
 * `cls.predictions.transform.dense.weight`). Linear weights are held as [in, out] (TF's kernel
 * layout, PyTorch's transposed): tfjs-wasm's matMul with transposeB runs ~13× slower and its fused
 * matMul gives wrong results with transposeB and a bias. `isLinearWeight` says which names; the
 * checkpoint code transposes them on load and save, so files keep PyTorch's [out, in].
 */
import * as tf from '@tensorflow/tfjs-core';
import { attention } from '../ops/attention.js';
import { dense } from '../ops/dense.js';
import { deriveSeed } from '../train/rng.js';
import { gatherRows } from '../ops/gather-rows.js';
import { biasGelu, gelu, type GeluApproximation } from '../ops/gelu.js';
import { layerNorm } from '../ops/layer-norm.js';

export interface BertConfig {
  vocabSize: number;
  hiddenSize: number;
  numHiddenLayers: number;
  numAttentionHeads: number;
  intermediateSize: number;
  hiddenAct: string;
  maxPositionEmbeddings: number;
  typeVocabSize: number;
  layerNormEps: number;
  padTokenId: number;
  initializerRange: number;
}

export const BERT_DEFAULTS: BertConfig = {
  vocabSize: 30522,
  hiddenSize: 768,
  numHiddenLayers: 12,
  numAttentionHeads: 12,
  intermediateSize: 3072,
  hiddenAct: 'gelu',
  maxPositionEmbeddings: 512,
  typeVocabSize: 2,
  layerNormEps: 1e-12,
  padTokenId: 0,
  initializerRange: 0.02,
};

export type BertWeights = Record<string, tf.Tensor>;

export interface BertInputs {
  inputIds: tf.Tensor2D;
  tokenTypeIds?: tf.Tensor2D;
  /** 1 for real tokens, 0 for padding; [batch, seq]. */
  attentionMask?: tf.Tensor2D;
}

export interface BertOutputs {
  lastHiddenState: tf.Tensor3D;
  /** Embeddings output, then each layer's output: numHiddenLayers + 1 tensors [batch, seq, hidden]. */
  hiddenStates: tf.Tensor3D[];
  /** tanh(W·h[CLS] + b), [batch, hidden]; absent when the checkpoint has no pooler. */
  poolerOutput?: tf.Tensor2D;
  /** Per layer [batch, heads, seq, seq], when asked for. */
  attentions?: tf.Tensor4D[];
}

/** Weights applied as x·W: 2-D and outside the embedding tables. */
export function isLinearWeight(name: string, shape: readonly number[]): boolean {
  return shape.length === 2 && name.endsWith('.weight') && !name.startsWith('embeddings.');
}

/** The names and shapes (PyTorch layout, as stored in checkpoints) a checkpoint of this config must provide. */
export function bertWeightShapes(config: BertConfig, parts: { pooler?: boolean; mlm?: boolean; nsp?: boolean } = {}) {
  const { hiddenSize: h, intermediateSize: i, vocabSize, maxPositionEmbeddings, typeVocabSize } = config;
  const shapes: Record<string, number[]> = {
    'embeddings.word_embeddings.weight': [vocabSize, h],
    'embeddings.position_embeddings.weight': [maxPositionEmbeddings, h],
    'embeddings.token_type_embeddings.weight': [typeVocabSize, h],
    'embeddings.LayerNorm.weight': [h],
    'embeddings.LayerNorm.bias': [h],
  };
  for (let l = 0; l < config.numHiddenLayers; l++) {
    const p = `encoder.layer.${l}.`;
    for (const name of ['query', 'key', 'value']) {
      shapes[`${p}attention.self.${name}.weight`] = [h, h];
      shapes[`${p}attention.self.${name}.bias`] = [h];
    }
    shapes[`${p}attention.output.dense.weight`] = [h, h];
    shapes[`${p}attention.output.dense.bias`] = [h];
    shapes[`${p}attention.output.LayerNorm.weight`] = [h];
    shapes[`${p}attention.output.LayerNorm.bias`] = [h];
    shapes[`${p}intermediate.dense.weight`] = [i, h];
    shapes[`${p}intermediate.dense.bias`] = [i];
    shapes[`${p}output.dense.weight`] = [h, i];
    shapes[`${p}output.dense.bias`] = [h];
    shapes[`${p}output.LayerNorm.weight`] = [h];
    shapes[`${p}output.LayerNorm.bias`] = [h];
  }
  if (parts.pooler ?? true) {
    shapes['pooler.dense.weight'] = [h, h];
    shapes['pooler.dense.bias'] = [h];
  }
  if (parts.mlm) {
    shapes['cls.predictions.transform.dense.weight'] = [h, h];
    shapes['cls.predictions.transform.dense.bias'] = [h];
    shapes['cls.predictions.transform.LayerNorm.weight'] = [h];
    shapes['cls.predictions.transform.LayerNorm.bias'] = [h];
    shapes['cls.predictions.bias'] = [vocabSize];
  }
  if (parts.nsp) {
    shapes['cls.seq_relationship.weight'] = [2, h];
    shapes['cls.seq_relationship.bias'] = [2];
  }
  return shapes;
}

/** Random weights drawn as BERT initialises them (normal(0, initializer_range), LayerNorm 1/0, biases 0). */
export function initBertWeights(
  config: BertConfig,
  parts: { pooler?: boolean; mlm?: boolean; nsp?: boolean } = { pooler: true, mlm: true, nsp: true },
  seed = 0,
): BertWeights {
  const weights: BertWeights = {};
  // tfjs treats a seed of 0 as "no seed" (Math.random), so every tensor gets a derived, non-zero one.
  let index = 0;
  for (const [name, shape] of Object.entries(bertWeightShapes(config, parts))) {
    if (name.endsWith('LayerNorm.weight')) weights[name] = tf.ones(shape);
    else if (name.endsWith('.bias')) weights[name] = tf.zeros(shape);
    else {
      const held = isLinearWeight(name, shape) ? [shape[1], shape[0]] : shape;
      weights[name] = tf.truncatedNormal(held, 0, config.initializerRange, 'float32', deriveSeed(seed, index++) || 1);
    }
  }
  return weights;
}

type Activation = { kind: 'gelu'; approximate: GeluApproximation } | { kind: 'relu' } | { kind: 'silu' };

export function activationOf(hiddenAct: string): Activation {
  switch (hiddenAct) {
    case 'gelu':
      return { kind: 'gelu', approximate: 'erf' };
    case 'gelu_new':
    case 'gelu_pytorch_tanh':
    case 'gelu_fast':
      return { kind: 'gelu', approximate: 'tanh' };
    case 'relu':
      return { kind: 'relu' };
    case 'silu':
    case 'swish':
      return { kind: 'silu' };
    default:
      throw new Error(`hidden_act "${hiddenAct}" is not supported (expected gelu, gelu_new, gelu_pytorch_tanh, relu or silu)`);
  }
}

/** x·W + b with W held as [in, out], for x of any rank. */
export function linear(x: tf.Tensor, weight: tf.Tensor, bias?: tf.Tensor, activation?: 'relu'): tf.Tensor {
  return tf.tidy(() => {
    const inFeatures = x.shape[x.rank - 1];
    const flat = tf.reshape(x, [-1, inFeatures]) as tf.Tensor2D;
    let y: tf.Tensor = dense(flat, weight as tf.Tensor2D, bias);
    if (activation === 'relu') y = tf.relu(y);
    return tf.reshape(y, [...x.shape.slice(0, -1), (weight as tf.Tensor2D).shape[1]]);
  });
}

function feedForwardActivation(x: tf.Tensor, weight: tf.Tensor, bias: tf.Tensor, act: Activation): tf.Tensor {
  if (act.kind === 'gelu') return biasGelu(linear(x, weight), bias, act.approximate);
  if (act.kind === 'relu') return linear(x, weight, bias, 'relu');
  return tf.tidy(() => {
    const y = linear(x, weight, bias);
    return tf.mul(y, tf.sigmoid(y));
  });
}

export function embeddings(weights: BertWeights, config: BertConfig, inputs: BertInputs): tf.Tensor3D {
  return tf.tidy(() => {
    const [batch, seq] = inputs.inputIds.shape;
    if (seq > config.maxPositionEmbeddings) {
      throw new Error(
        `input has ${seq} tokens but the model has only ${config.maxPositionEmbeddings} positions (max_position_embeddings); truncate it`,
      );
    }
    const tokenTypeIds = inputs.tokenTypeIds ?? tf.zeros([batch, seq], 'int32');
    const words = gatherRows(weights['embeddings.word_embeddings.weight'], inputs.inputIds);
    const positions = tf.slice(weights['embeddings.position_embeddings.weight'], [0, 0], [seq, -1]);
    const types = gatherRows(weights['embeddings.token_type_embeddings.weight'], tokenTypeIds);
    const sum = tf.add(tf.add(words, types), positions);
    return layerNorm(sum, weights['embeddings.LayerNorm.weight'], weights['embeddings.LayerNorm.bias'], config.layerNormEps) as tf.Tensor3D;
  });
}

/** [B, S, H] → [B, N, S, D] */
function splitHeads(x: tf.Tensor, heads: number): tf.Tensor4D {
  const [batch, seq, hidden] = x.shape;
  return tf.transpose(tf.reshape(x, [batch, seq, heads, hidden / heads]), [0, 2, 1, 3]);
}

/** [B, N, S, D] → [B, S, H] */
function mergeHeads(x: tf.Tensor4D): tf.Tensor3D {
  const [batch, heads, seq, headDim] = x.shape;
  return tf.reshape(tf.transpose(x, [0, 2, 1, 3]), [batch, seq, heads * headDim]);
}

export function bertLayer(
  weights: BertWeights,
  config: BertConfig,
  layer: number,
  hidden: tf.Tensor3D,
  attentionMask: tf.Tensor2D | undefined,
  returnProbs: boolean,
): { hidden: tf.Tensor3D; probs?: tf.Tensor4D } {
  // Shapes: B batch, S sequence length, H hidden size, N heads, D = H / N head size, I intermediate size.
  return tf.tidy(() => {
    const p = `encoder.layer.${layer}.`;
    const w = (name: string) => weights[p + name];
    const heads = config.numAttentionHeads;
    // hidden: [B, S, H]
    // Three matmuls, not one on concatenated weights: on tfjs-wasm the fused form measured slower
    // (split copies, and XNNPACK repacks a weight it has not seen: bench/README.md).
    const q = splitHeads(linear(hidden, w('attention.self.query.weight'), w('attention.self.query.bias')), heads);
    const k = splitHeads(linear(hidden, w('attention.self.key.weight'), w('attention.self.key.bias')), heads);
    const v = splitHeads(linear(hidden, w('attention.self.value.weight'), w('attention.self.value.bias')), heads);
    // q, k, v: [B, N, S, D]
    const { context, probs } = attention(q, k, v, attentionMask, { returnProbs }); // context [B, N, S, D], probs [B, N, S, S]
    // merged heads [B, S, H] through the output dense: [B, S, H]
    const attended = linear(mergeHeads(context), w('attention.output.dense.weight'), w('attention.output.dense.bias'));
    const afterAttention = layerNorm(
      attended,
      w('attention.output.LayerNorm.weight'),
      w('attention.output.LayerNorm.bias'),
      config.layerNormEps,
      hidden,
    ); // [B, S, H]
    const intermediate = feedForwardActivation(
      afterAttention,
      w('intermediate.dense.weight'),
      w('intermediate.dense.bias'),
      activationOf(config.hiddenAct),
    ); // [B, S, I]
    const output = linear(intermediate, w('output.dense.weight'), w('output.dense.bias')); // [B, S, H]
    const out = layerNorm(
      output,
      w('output.LayerNorm.weight'),
      w('output.LayerNorm.bias'),
      config.layerNormEps,
      afterAttention,
    ) as tf.Tensor3D; // [B, S, H]
    return probs ? { hidden: out, probs } : { hidden: out };
  });
}

export function bertForward(
  weights: BertWeights,
  config: BertConfig,
  inputs: BertInputs,
  options: { outputAttentions?: boolean } = {},
): BertOutputs {
  return tf.tidy(() => {
    let hidden = embeddings(weights, config, inputs);
    const hiddenStates = [hidden];
    const attentions: tf.Tensor4D[] = [];
    for (let layer = 0; layer < config.numHiddenLayers; layer++) {
      const out = bertLayer(weights, config, layer, hidden, inputs.attentionMask, options.outputAttentions ?? false);
      hidden = out.hidden;
      hiddenStates.push(hidden);
      if (out.probs) attentions.push(out.probs);
    }
    const outputs: BertOutputs = { lastHiddenState: hidden, hiddenStates };
    if (weights['pooler.dense.weight']) outputs.poolerOutput = pooler(weights, hidden);
    if (options.outputAttentions) outputs.attentions = attentions;
    return outputs as unknown as tf.TensorContainerObject;
  }) as unknown as BertOutputs;
}

/** tanh(dense(h[CLS])). */
export function pooler(weights: BertWeights, lastHiddenState: tf.Tensor3D): tf.Tensor2D {
  return tf.tidy(() => {
    const [batch, , hidden] = lastHiddenState.shape;
    const cls = tf.reshape(tf.slice(lastHiddenState, [0, 0, 0], [batch, 1, hidden]), [batch, hidden]);
    return tf.tanh(linear(cls, weights['pooler.dense.weight'], weights['pooler.dense.bias'])) as tf.Tensor2D;
  });
}

/** Masked-LM logits over the vocabulary: transform (dense, activation, LayerNorm), then the tied decoder. */
export function mlmLogits(weights: BertWeights, config: BertConfig, hidden: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const act = activationOf(config.hiddenAct);
    let h = linear(hidden, weights['cls.predictions.transform.dense.weight'], weights['cls.predictions.transform.dense.bias']);
    h = act.kind === 'gelu' ? gelu(h, act.approximate) : act.kind === 'relu' ? tf.relu(h) : tf.mul(h, tf.sigmoid(h));
    h = layerNorm(
      h,
      weights['cls.predictions.transform.LayerNorm.weight'],
      weights['cls.predictions.transform.LayerNorm.bias'],
      config.layerNormEps,
    );
    // The decoder is tied to the word embeddings [vocab, hidden] unless the checkpoint unties it.
    const decoder = weights['cls.predictions.decoder.weight'] ?? tf.transpose(weights['embeddings.word_embeddings.weight']);
    return linear(h, decoder, weights['cls.predictions.bias']);
  });
}

/** Next-sentence logits [batch, 2]: index 0 = "B follows A", index 1 = "B is random". */
export function nspLogits(weights: BertWeights, poolerOutput: tf.Tensor2D): tf.Tensor2D {
  return linear(poolerOutput, weights['cls.seq_relationship.weight'], weights['cls.seq_relationship.bias']) as tf.Tensor2D;
}
