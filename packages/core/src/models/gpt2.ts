/**
 * GPT-2 (Radford et al. 2019) as in Hugging Face's modeling_gpt2.py: token + position embeddings,
 * N pre-LayerNorm blocks of causal self-attention and an MLP with `gelu_new` (the tanh GELU),
 * a final LayerNorm `ln_f`, and the LM head tied to the token embeddings `wte`.
 *
 * Weights are a plain object keyed by Hugging Face names without the `transformer.` prefix
 * (`wte.weight`, `h.0.attn.c_attn.weight`, `ln_f.bias`, ...). GPT-2's Conv1D layers store their
 * weights [in, out] already, the layout the models here hold linear weights in (see bert.ts), so
 * they are used as stored. The head is the `wte` table itself ([vocab, hidden]), or the
 * checkpoint's `lm_head.weight` when it has one (same layout, the same values when tied).
 * The causal mask buffers (`attn.bias`, `attn.masked_bias`) in older checkpoints are not weights.
 *
 * `hidden_states` are Hugging Face's `output_hidden_states`: the embeddings, the output of each
 * block but the last, then the last block's output after `ln_f`.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { TokenizerDefaults } from '../tokenize/tokenizer-files.js';
import {
  configObject,
  finiteNumber,
  nonNegativeInt,
  positiveInt,
  positiveNumber,
  requireDivisible,
  stringField,
  booleanField,
} from '../checkpoint/config-fields.js';
import { heldTensor, selectWeights, storedData } from '../checkpoint/weight-map.js';
import type { StoredTensor } from '../checkpoint/safetensors.js';
import { causalAttention } from '../ops/causal-attention.js';
import { gatherRows } from '../ops/gather-rows.js';
import { biasGelu } from '../ops/gelu.js';
import { mergeHeads, splitHeads } from '../ops/heads.js';
import { layerNorm } from '../ops/layer-norm.js';
import { deriveSeed } from '../train/rng.js';
import { activationOf, linear } from './bert.js';

export interface Gpt2Config {
  vocabSize: number;
  /** Positions (n_positions). */
  nPositions: number;
  /** Hidden size (n_embd). */
  nEmbd: number;
  nLayer: number;
  nHead: number;
  /** MLP width (n_inner; 4·n_embd when null). */
  nInner: number;
  activationFunction: string;
  layerNormEpsilon: number;
  initializerRange: number;
  bosTokenId: number;
  eosTokenId: number;
  /** Divide attention scores by √headDim (scale_attn_weights). */
  scaleAttnWeights: boolean;
  /** Also divide them by the layer's number (scale_attn_by_inverse_layer_idx). */
  scaleAttnByInverseLayerIdx: boolean;
}

export const GPT2_DEFAULTS: Gpt2Config = {
  vocabSize: 50257,
  nPositions: 1024,
  nEmbd: 768,
  nLayer: 12,
  nHead: 12,
  nInner: 3072,
  activationFunction: 'gelu_new',
  layerNormEpsilon: 1e-5,
  initializerRange: 0.02,
  bosTokenId: 50256,
  eosTokenId: 50256,
  scaleAttnWeights: true,
  scaleAttnByInverseLayerIdx: false,
};

/** Far above any published GPT-2 (XL: 48 layers, 1600 wide, 25 heads, 1024 positions), far below what exhausts memory. */
const GPT2_CONFIG_LIMITS = {
  vocabSize: 1 << 20,
  nPositions: 1 << 17,
  nEmbd: 1 << 14,
  nLayer: 256,
  nHead: 1024,
  nInner: 1 << 17,
} as const;

export type Gpt2Weights = Record<string, tf.Tensor>;

/** GPT-2's byte-level BPE: no template, `<|endoftext|>` begins, ends and stands for unknown. */
export const GPT2_TOKENIZER: TokenizerDefaults = {
  template: 'plain',
  specialTokens: { bos: '<|endoftext|>', eos: '<|endoftext|>', unk: '<|endoftext|>' },
};

/** config.json (parsed) → Gpt2Config, every field checked by type and range first. */
export function gpt2ConfigFromJson(value: unknown, source = 'config.json'): Gpt2Config {
  const json = configObject(value, source);
  if (json.model_type !== undefined && json.model_type !== 'gpt2') throw new Error(`${source}: model_type is ${JSON.stringify(json.model_type)}, expected "gpt2"`);
  const d = GPT2_DEFAULTS;
  const l = GPT2_CONFIG_LIMITS;
  const vocabSize = positiveInt(json, 'vocab_size', { max: l.vocabSize, default: d.vocabSize }, source);
  const nEmbd = positiveInt(json, 'n_embd', { max: l.nEmbd, default: d.nEmbd }, source);
  const nHead = positiveInt(json, 'n_head', { max: l.nHead, default: d.nHead }, source);
  requireDivisible(source, 'n_embd', nEmbd, 'n_head', nHead);
  const activationFunction = stringField(json, 'activation_function', { default: d.activationFunction }, source);
  try {
    activationOf(activationFunction);
  } catch (e) {
    throw new Error(`${source}: ${(e as Error).message.replace('hidden_act', 'activation_function')}`);
  }
  return {
    vocabSize,
    nPositions: positiveInt(json, 'n_positions', { max: l.nPositions, default: d.nPositions }, source),
    nEmbd,
    nLayer: positiveInt(json, 'n_layer', { max: l.nLayer, default: d.nLayer }, source),
    nHead,
    nInner: positiveInt(json, 'n_inner', { max: l.nInner, default: 4 * nEmbd }, source),
    activationFunction,
    layerNormEpsilon: positiveNumber(json, 'layer_norm_epsilon', { max: 1, default: d.layerNormEpsilon }, source),
    initializerRange: finiteNumber(json, 'initializer_range', { min: 0, max: 1e3, default: d.initializerRange }, source),
    bosTokenId: nonNegativeInt(json, 'bos_token_id', { max: vocabSize - 1, default: Math.min(d.bosTokenId, vocabSize - 1) }, source),
    eosTokenId: nonNegativeInt(json, 'eos_token_id', { max: vocabSize - 1, default: Math.min(d.eosTokenId, vocabSize - 1) }, source),
    scaleAttnWeights: booleanField(json, 'scale_attn_weights', { default: true }, source),
    scaleAttnByInverseLayerIdx: booleanField(json, 'scale_attn_by_inverse_layer_idx', { default: false }, source),
  };
}

export function gpt2ConfigToJson(config: Gpt2Config): Record<string, unknown> {
  return {
    architectures: ['GPT2LMHeadModel'],
    model_type: 'gpt2',
    vocab_size: config.vocabSize,
    n_positions: config.nPositions,
    n_ctx: config.nPositions,
    n_embd: config.nEmbd,
    n_layer: config.nLayer,
    n_head: config.nHead,
    n_inner: config.nInner,
    activation_function: config.activationFunction,
    layer_norm_epsilon: config.layerNormEpsilon,
    initializer_range: config.initializerRange,
    bos_token_id: config.bosTokenId,
    eos_token_id: config.eosTokenId,
    resid_pdrop: 0.1,
    embd_pdrop: 0.1,
    attn_pdrop: 0.1,
    scale_attn_weights: config.scaleAttnWeights,
  };
}

/** Names and stored shapes of a GPT-2 of this config (Conv1D: [in, out]). */
function gpt2WeightShapes(config: Gpt2Config): Record<string, number[]> {
  const { nEmbd: h, nInner: i } = config;
  const shapes: Record<string, number[]> = {
    'wte.weight': [config.vocabSize, h],
    'wpe.weight': [config.nPositions, h],
    'ln_f.weight': [h],
    'ln_f.bias': [h],
  };
  for (let l = 0; l < config.nLayer; l++) {
    const p = `h.${l}.`;
    Object.assign(shapes, {
      [`${p}ln_1.weight`]: [h],
      [`${p}ln_1.bias`]: [h],
      [`${p}attn.c_attn.weight`]: [h, 3 * h],
      [`${p}attn.c_attn.bias`]: [3 * h],
      [`${p}attn.c_proj.weight`]: [h, h],
      [`${p}attn.c_proj.bias`]: [h],
      [`${p}ln_2.weight`]: [h],
      [`${p}ln_2.bias`]: [h],
      [`${p}mlp.c_fc.weight`]: [h, i],
      [`${p}mlp.c_fc.bias`]: [i],
      [`${p}mlp.c_proj.weight`]: [i, h],
      [`${p}mlp.c_proj.bias`]: [h],
    });
  }
  return shapes;
}

/** A checkpoint's tensors (GPT2Model or GPT2LMHeadModel, with or without `transformer.`) as GPT-2 weights. */
export function gpt2WeightsFromStored(stored: Map<string, StoredTensor>, config: Gpt2Config, source: string): Gpt2Weights {
  const { tensors } = selectWeights(stored, {
    source,
    family: 'GPT-2',
    prefixes: ['transformer.'],
    required: gpt2WeightShapes(config),
    optional: { 'lm_head.weight': [config.vocabSize, config.nEmbd] },
    ignored: [/^h\.\d+\.attn\.(bias|masked_bias)$/],
  });
  const weights: Gpt2Weights = {};
  // Conv1D and the embedding tables are held as stored (see the header).
  for (const [name, t] of tensors) weights[name] = heldTensor(t, false);
  return weights;
}

/** The weights as a GPT2LMHeadModel checkpoint's tensors (`transformer.` prefix, head tied: not written). */
export function gpt2TensorsToStore(weights: Gpt2Weights): Record<string, { shape: number[]; data: Float32Array }> {
  const out: Record<string, { shape: number[]; data: Float32Array }> = {};
  for (const [name, t] of Object.entries(weights)) if (name !== 'lm_head.weight') out[`transformer.${name}`] = storedData(t, false);
  return out;
}

/** Random weights drawn as GPT-2 initialises them (normal(0, initializer_range), LayerNorm 1/0, biases 0; c_proj scaled by 1/√(2·n_layer)). */
export function initGpt2Weights(config: Gpt2Config, seed = 0): Gpt2Weights {
  const weights: Gpt2Weights = {};
  let index = 0;
  for (const [name, shape] of Object.entries(gpt2WeightShapes(config))) {
    if (/ln_\w+\.weight$/.test(name)) weights[name] = tf.ones(shape);
    else if (name.endsWith('.bias')) weights[name] = tf.zeros(shape);
    else {
      const std = name.endsWith('c_proj.weight') ? config.initializerRange / Math.sqrt(2 * config.nLayer) : config.initializerRange;
      weights[name] = tf.randomNormal(shape, 0, std, 'float32', deriveSeed(seed, index++) || 1);
    }
  }
  return weights;
}

/** Keys and values of every layer for the positions seen so far, [batch, heads, past, headDim] each. */
export interface Gpt2Cache {
  keys: tf.Tensor4D[];
  values: tf.Tensor4D[];
  /** Positions cached. */
  length: number;
}

interface Gpt2Inputs {
  inputIds: tf.Tensor2D;
  /** 1 for tokens, 0 for padding, over the cached positions and the new ones: [batch, past + seq]. */
  attentionMask?: tf.Tensor2D;
  /** What earlier calls computed (`useCache`); the new tokens continue it. */
  past?: Gpt2Cache;
}

export interface Gpt2Outputs {
  /** After ln_f, [batch, seq, hidden]. */
  lastHiddenState: tf.Tensor3D;
  /** n_layer + 1 tensors: embeddings, blocks 0 … n−2, then block n−1 after ln_f (Hugging Face's order). */
  hiddenStates: tf.Tensor3D[];
  /** Per layer [batch, heads, seq, past + seq], when asked for. */
  attentions?: tf.Tensor4D[];
  /** The past extended by these tokens, when asked for (`useCache`). */
  cache?: Gpt2Cache;
}

function block(
  weights: Gpt2Weights,
  config: Gpt2Config,
  layer: number,
  hidden: tf.Tensor3D,
  mask: tf.Tensor2D | undefined,
  past: { key: tf.Tensor4D; value: tf.Tensor4D } | undefined,
  returnProbs: boolean,
): { hidden: tf.Tensor3D; key: tf.Tensor4D; value: tf.Tensor4D; probs?: tf.Tensor4D } {
  return tf.tidy(() => {
    const w = (name: string) => weights[`h.${layer}.${name}`];
    const h = config.nEmbd;
    const x = layerNorm(hidden, w('ln_1.weight'), w('ln_1.bias'), config.layerNormEpsilon);
    const qkv = linear(x, w('attn.c_attn.weight'), w('attn.c_attn.bias'));
    const [q, kNew, vNew] = tf.split(qkv, [h, h, h], 2).map((t) => splitHeads(t, config.nHead));
    const key = past ? (tf.concat([past.key, kNew], 2) as tf.Tensor4D) : kNew;
    const value = past ? (tf.concat([past.value, vNew], 2) as tf.Tensor4D) : vNew;
    let scale = config.scaleAttnWeights ? 1 / Math.sqrt(h / config.nHead) : 1;
    if (config.scaleAttnByInverseLayerIdx) scale /= layer + 1;
    const { context, probs } = causalAttention(q, key, value, mask, { returnProbs, scale });
    const attended = tf.add(hidden, linear(mergeHeads(context), w('attn.c_proj.weight'), w('attn.c_proj.bias')));
    const y = layerNorm(attended, w('ln_2.weight'), w('ln_2.bias'), config.layerNormEpsilon);
    const act = activationOf(config.activationFunction);
    const fc =
      act.kind === 'gelu'
        ? biasGelu(linear(y, w('mlp.c_fc.weight')), w('mlp.c_fc.bias'), act.approximate)
        : act.kind === 'relu'
          ? linear(y, w('mlp.c_fc.weight'), w('mlp.c_fc.bias'), 'relu')
          : tf.tidy(() => {
              const z = linear(y, w('mlp.c_fc.weight'), w('mlp.c_fc.bias'));
              return tf.mul(z, tf.sigmoid(z));
            });
    const out = tf.add(attended, linear(fc, w('mlp.c_proj.weight'), w('mlp.c_proj.bias'))) as tf.Tensor3D;
    return probs ? { hidden: out, key, value, probs } : { hidden: out, key, value };
  });
}

export function gpt2Forward(
  weights: Gpt2Weights,
  config: Gpt2Config,
  inputs: Gpt2Inputs,
  options: { outputAttentions?: boolean; useCache?: boolean } = {},
): Gpt2Outputs {
  const [, seq] = inputs.inputIds.shape;
  const pastLength = inputs.past?.length ?? 0;
  if (pastLength + seq > config.nPositions) {
    throw new Error(`input has ${pastLength + seq} tokens but the model has only ${config.nPositions} positions (n_positions); truncate it`);
  }
  return tf.tidy(() => {
    const words = gatherRows(weights['wte.weight'], inputs.inputIds);
    const positions = tf.slice(weights['wpe.weight'], [pastLength, 0], [seq, -1]);
    let hidden = tf.add(words, positions) as tf.Tensor3D;
    const hiddenStates: tf.Tensor3D[] = [];
    const attentions: tf.Tensor4D[] = [];
    const keys: tf.Tensor4D[] = [];
    const values: tf.Tensor4D[] = [];
    for (let layer = 0; layer < config.nLayer; layer++) {
      hiddenStates.push(hidden);
      const past = inputs.past ? { key: inputs.past.keys[layer], value: inputs.past.values[layer] } : undefined;
      const out = block(weights, config, layer, hidden, inputs.attentionMask, past, options.outputAttentions ?? false);
      hidden = out.hidden;
      keys.push(out.key);
      values.push(out.value);
      if (out.probs) attentions.push(out.probs);
    }
    const last = layerNorm(hidden, weights['ln_f.weight'], weights['ln_f.bias'], config.layerNormEpsilon) as tf.Tensor3D;
    hiddenStates.push(last);
    const outputs: Gpt2Outputs = { lastHiddenState: last, hiddenStates };
    if (options.outputAttentions) outputs.attentions = attentions;
    if (options.useCache) outputs.cache = { keys, values, length: pastLength + seq };
    return outputs as unknown as tf.TensorContainerObject;
  }) as unknown as Gpt2Outputs;
}

/**
 * Next-token logits [..., vocab] from final hidden states: the tied head (`wte`ᵀ) or the
 * checkpoint's lm_head. The table is transposed explicitly and applied as a plain x·W, as BERT's
 * tied decoder is: tfjs-wasm's transposeB matMul is many times slower (see bert.ts).
 */
export function gpt2Logits(weights: Gpt2Weights, hidden: tf.Tensor): tf.Tensor {
  return tf.tidy(() => linear(hidden, tf.transpose(weights['lm_head.weight'] ?? weights['wte.weight'])));
}

export function disposeCache(cache: Gpt2Cache | undefined): void {
  if (cache) tf.dispose([...cache.keys, ...cache.values]);
}
