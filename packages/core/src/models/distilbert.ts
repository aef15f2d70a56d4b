/**
 * DistilBERT (Sanh et al. 2019) as in Hugging Face's modeling_distilbert.py: BERT's layer with
 * other names and without token types or pooler. Word + position embeddings and a LayerNorm, then
 * N post-LN layers (`q_lin`/`k_lin`/`v_lin`/`out_lin` attention, `sa_layer_norm`, the
 * `ffn.lin1`/`ffn.lin2` MLP, `output_layer_norm`), and the masked-LM head `vocab_transform` →
 * GELU → `vocab_layer_norm` → `vocab_projector` (tied to the word embeddings). LayerNorm eps is
 * 1e-12 throughout.
 *
 * Since each of these is BERT's computation exactly, a DistilBERT checkpoint is read into BERT's
 * names (`DISTILBERT_TO_BERT`) with a single all-zero token type, and runs through `bertForward`
 * and BERT's MLM head: one implementation of the math, two families of names.
 */
import * as tf from '@tensorflow/tfjs-core';
import { configObject, finiteNumber, nonNegativeInt, positiveInt, requireDivisible, stringField, booleanField } from '../checkpoint/config-fields.js';
import { BERT_CONFIG_LIMITS } from '../checkpoint/hf-config.js';
import type { StoredTensor } from '../checkpoint/safetensors.js';
import { heldTensor, selectWeights, storedData } from '../checkpoint/weight-map.js';
import { activationOf, bertForward, isLinearWeight, mlmLogits, type BertConfig, type BertWeights } from './bert.js';
import { EncoderModel } from './encoder-model.js';
import type { Tokenizer } from '../tokenize/tokenizer.js';

export interface DistilBertConfig {
  vocabSize: number;
  dim: number;
  nLayers: number;
  nHeads: number;
  hiddenDim: number;
  activation: string;
  maxPositionEmbeddings: number;
  padTokenId: number;
  initializerRange: number;
  sinusoidalPosEmbds: boolean;
}

const DISTILBERT_DEFAULTS: DistilBertConfig = {
  vocabSize: 30522,
  dim: 768,
  nLayers: 6,
  nHeads: 12,
  hiddenDim: 3072,
  activation: 'gelu',
  maxPositionEmbeddings: 512,
  padTokenId: 0,
  initializerRange: 0.02,
  sinusoidalPosEmbds: false,
};

/** DistilBERT's LayerNorms all use this epsilon (it is not in its config). */
const DISTILBERT_LAYER_NORM_EPS = 1e-12;

export function distilbertConfigFromJson(value: unknown, source = 'config.json'): DistilBertConfig {
  const json = configObject(value, source);
  if (json.model_type !== undefined && json.model_type !== 'distilbert') throw new Error(`${source}: model_type is ${JSON.stringify(json.model_type)}, expected "distilbert"`);
  const d = DISTILBERT_DEFAULTS;
  const l = BERT_CONFIG_LIMITS;
  const vocabSize = positiveInt(json, 'vocab_size', { max: l.vocabSize, default: d.vocabSize }, source);
  const dim = positiveInt(json, 'dim', { max: l.hiddenSize, default: d.dim }, source);
  const nHeads = positiveInt(json, 'n_heads', { max: l.numAttentionHeads, default: d.nHeads }, source);
  requireDivisible(source, 'dim', dim, 'n_heads', nHeads);
  const activation = stringField(json, 'activation', { default: d.activation }, source);
  try {
    activationOf(activation);
  } catch (e) {
    throw new Error(`${source}: ${(e as Error).message.replace('hidden_act', 'activation')}`);
  }
  return {
    vocabSize,
    dim,
    nLayers: positiveInt(json, 'n_layers', { max: l.numHiddenLayers, default: d.nLayers }, source),
    nHeads,
    hiddenDim: positiveInt(json, 'hidden_dim', { max: l.intermediateSize, default: d.hiddenDim }, source),
    activation,
    maxPositionEmbeddings: positiveInt(json, 'max_position_embeddings', { max: l.maxPositionEmbeddings, default: d.maxPositionEmbeddings }, source),
    padTokenId: nonNegativeInt(json, 'pad_token_id', { max: vocabSize - 1, default: d.padTokenId }, source),
    initializerRange: finiteNumber(json, 'initializer_range', { min: 0, max: 1e3, default: d.initializerRange }, source),
    sinusoidalPosEmbds: booleanField(json, 'sinusoidal_pos_embds', { default: false }, source),
  };
}

export function distilbertConfigToJson(config: DistilBertConfig): Record<string, unknown> {
  return {
    architectures: ['DistilBertForMaskedLM'],
    model_type: 'distilbert',
    vocab_size: config.vocabSize,
    dim: config.dim,
    n_layers: config.nLayers,
    n_heads: config.nHeads,
    hidden_dim: config.hiddenDim,
    activation: config.activation,
    max_position_embeddings: config.maxPositionEmbeddings,
    sinusoidal_pos_embds: config.sinusoidalPosEmbds,
    pad_token_id: config.padTokenId,
    initializer_range: config.initializerRange,
    dropout: 0.1,
    attention_dropout: 0.1,
    tie_weights_: true,
  };
}

/** The BERT config whose computation is this DistilBERT's. */
export function distilbertAsBert(config: DistilBertConfig): BertConfig {
  return {
    vocabSize: config.vocabSize,
    hiddenSize: config.dim,
    numHiddenLayers: config.nLayers,
    numAttentionHeads: config.nHeads,
    intermediateSize: config.hiddenDim,
    hiddenAct: config.activation,
    maxPositionEmbeddings: config.maxPositionEmbeddings,
    typeVocabSize: 1,
    layerNormEps: DISTILBERT_LAYER_NORM_EPS,
    padTokenId: config.padTokenId,
    initializerRange: config.initializerRange,
  };
}

/** DistilBERT name patterns → BERT's (the inverse, for saving, is `BERT_TO_DISTILBERT`). */
const DISTILBERT_TO_BERT: Array<[RegExp, string]> = [
  [/^transformer\.layer\.(\d+)\.attention\.q_lin\./, 'encoder.layer.$1.attention.self.query.'],
  [/^transformer\.layer\.(\d+)\.attention\.k_lin\./, 'encoder.layer.$1.attention.self.key.'],
  [/^transformer\.layer\.(\d+)\.attention\.v_lin\./, 'encoder.layer.$1.attention.self.value.'],
  [/^transformer\.layer\.(\d+)\.attention\.out_lin\./, 'encoder.layer.$1.attention.output.dense.'],
  [/^transformer\.layer\.(\d+)\.sa_layer_norm\./, 'encoder.layer.$1.attention.output.LayerNorm.'],
  [/^transformer\.layer\.(\d+)\.ffn\.lin1\./, 'encoder.layer.$1.intermediate.dense.'],
  [/^transformer\.layer\.(\d+)\.ffn\.lin2\./, 'encoder.layer.$1.output.dense.'],
  [/^transformer\.layer\.(\d+)\.output_layer_norm\./, 'encoder.layer.$1.output.LayerNorm.'],
  [/^vocab_transform\./, 'cls.predictions.transform.dense.'],
  [/^vocab_layer_norm\./, 'cls.predictions.transform.LayerNorm.'],
  [/^vocab_projector\.bias$/, 'cls.predictions.bias'],
  [/^vocab_projector\.weight$/, 'cls.predictions.decoder.weight'],
];

const BERT_TO_DISTILBERT: Array<[RegExp, string]> = [
  [/^encoder\.layer\.(\d+)\.attention\.self\.query\./, 'transformer.layer.$1.attention.q_lin.'],
  [/^encoder\.layer\.(\d+)\.attention\.self\.key\./, 'transformer.layer.$1.attention.k_lin.'],
  [/^encoder\.layer\.(\d+)\.attention\.self\.value\./, 'transformer.layer.$1.attention.v_lin.'],
  [/^encoder\.layer\.(\d+)\.attention\.output\.dense\./, 'transformer.layer.$1.attention.out_lin.'],
  [/^encoder\.layer\.(\d+)\.attention\.output\.LayerNorm\./, 'transformer.layer.$1.sa_layer_norm.'],
  [/^encoder\.layer\.(\d+)\.intermediate\.dense\./, 'transformer.layer.$1.ffn.lin1.'],
  [/^encoder\.layer\.(\d+)\.output\.dense\./, 'transformer.layer.$1.ffn.lin2.'],
  [/^encoder\.layer\.(\d+)\.output\.LayerNorm\./, 'transformer.layer.$1.output_layer_norm.'],
  [/^cls\.predictions\.transform\.dense\./, 'vocab_transform.'],
  [/^cls\.predictions\.transform\.LayerNorm\./, 'vocab_layer_norm.'],
  [/^cls\.predictions\.bias$/, 'vocab_projector.bias'],
  [/^cls\.predictions\.decoder\.weight$/, 'vocab_projector.weight'],
];

function rename(name: string, table: Array<[RegExp, string]>): string {
  for (const [pattern, replacement] of table) if (pattern.test(name)) return name.replace(pattern, replacement);
  return name;
}

/** Names and stored shapes (PyTorch layout) of a DistilBERT of this config, in DistilBERT's names. */
function distilbertWeightShapes(config: DistilBertConfig): { required: Record<string, number[]>; head: Record<string, number[]> } {
  const { dim, hiddenDim: i, vocabSize } = config;
  const required: Record<string, number[]> = {
    'embeddings.word_embeddings.weight': [vocabSize, dim],
    'embeddings.position_embeddings.weight': [config.maxPositionEmbeddings, dim],
    'embeddings.LayerNorm.weight': [dim],
    'embeddings.LayerNorm.bias': [dim],
  };
  for (let l = 0; l < config.nLayers; l++) {
    const p = `transformer.layer.${l}.`;
    for (const lin of ['q_lin', 'k_lin', 'v_lin', 'out_lin']) {
      required[`${p}attention.${lin}.weight`] = [dim, dim];
      required[`${p}attention.${lin}.bias`] = [dim];
    }
    Object.assign(required, {
      [`${p}sa_layer_norm.weight`]: [dim],
      [`${p}sa_layer_norm.bias`]: [dim],
      [`${p}ffn.lin1.weight`]: [i, dim],
      [`${p}ffn.lin1.bias`]: [i],
      [`${p}ffn.lin2.weight`]: [dim, i],
      [`${p}ffn.lin2.bias`]: [dim],
      [`${p}output_layer_norm.weight`]: [dim],
      [`${p}output_layer_norm.bias`]: [dim],
    });
  }
  const head = {
    'vocab_transform.weight': [dim, dim],
    'vocab_transform.bias': [dim],
    'vocab_layer_norm.weight': [dim],
    'vocab_layer_norm.bias': [dim],
    'vocab_projector.bias': [vocabSize],
  };
  return { required, head };
}

/** A DistilBertModel / DistilBertForMaskedLM checkpoint's tensors as BERT-named weights (see the header). */
export function distilbertWeightsFromStored(stored: Map<string, StoredTensor>, config: DistilBertConfig, source: string): { weights: BertWeights; extra: Record<string, tf.Tensor> } {
  const { required, head } = distilbertWeightShapes(config);
  // The masked-LM head comes whole or not at all.
  const hasHead = [...stored.keys()].some((name) => /(^|\.)vocab_transform\.weight$/.test(name));
  const { tensors, extra } = selectWeights(stored, {
    source,
    family: 'DistilBERT',
    prefixes: ['distilbert.'],
    required: hasHead ? { ...required, ...head } : required,
    optional: { 'vocab_projector.weight': [config.vocabSize, config.dim] },
    ignored: [/^embeddings\.position_ids$/],
    extra: /^(pre_classifier|classifier|qa_outputs)\./,
  });
  const weights: BertWeights = {};
  for (const [name, t] of tensors) {
    const bertName = rename(name, DISTILBERT_TO_BERT);
    weights[bertName] = heldTensor(t, isLinearWeight(bertName, t.shape));
  }
  // One token type whose embedding is zero: BERT's embeddings sum then equals DistilBERT's.
  weights['embeddings.token_type_embeddings.weight'] = tf.zeros([1, config.dim]);
  const heads: Record<string, tf.Tensor> = {};
  for (const [name, t] of extra) heads[name] = heldTensor(t, t.shape.length === 2);
  return { weights, extra: heads };
}

/** BERT-named weights (a DistilBERT's, or a student's) as a DistilBertForMaskedLM checkpoint's tensors. */
export function distilbertTensorsToStore(weights: BertWeights): Record<string, { shape: number[]; data: Float32Array }> {
  const out: Record<string, { shape: number[]; data: Float32Array }> = {};
  for (const [name, t] of Object.entries(weights)) {
    if (name === 'embeddings.token_type_embeddings.weight' || name.startsWith('pooler.') || name.startsWith('cls.seq_relationship')) continue;
    const stored = rename(name, BERT_TO_DISTILBERT);
    out[stored.startsWith('vocab_') ? stored : `distilbert.${stored}`] = storedData(t, isLinearWeight(name, t.shape));
  }
  return out;
}

/** The encoder model of a loaded DistilBERT. */
export function distilbertModel(config: DistilBertConfig, weights: BertWeights, tokenizer: Tokenizer): EncoderModel {
  const bert = distilbertAsBert(config);
  return new EncoderModel({
    family: 'distilbert',
    tokenizer,
    hiddenSize: config.dim,
    numHiddenLayers: config.nLayers,
    maxLength: config.maxPositionEmbeddings,
    tokenTypes: false,
    forward: (inputs, options) => bertForward(weights, bert, inputs, options),
    mlmLogits: weights['cls.predictions.transform.dense.weight'] ? (hidden) => mlmLogits(weights, bert, hidden) : undefined,
    wordEmbeddings: weights['embeddings.word_embeddings.weight'] as tf.Tensor2D,
    tensors: Object.values(weights),
    asBert: { config: bert, weights },
  });
}
