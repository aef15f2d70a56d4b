/**
 * ALBERT (Lan et al. 2020) as in Hugging Face's modeling_albert.py: BERT with its parameters
 * shared and factorised. Embeddings are `embedding_size` wide (E, smaller than the hidden size H)
 * and mapped up by `embedding_hidden_mapping_in`; the transformer layers come in
 * `num_hidden_groups` groups of `inner_group_num` layers, and layer i of `num_hidden_layers` runs
 * group ⌊i · groups / layers⌋ (one shared layer applied N times in the usual configuration). The
 * masked-LM head maps H back to E (`predictions.dense` → activation → `predictions.LayerNorm`)
 * before the decoder tied to the word embeddings.
 *
 * Each shared layer is BERT's layer (attention with LayerNorm after the residual, then
 * `ffn`/`ffn_output` and `full_layer_layer_norm`), so it is read into BERT's names and run by
 * `bertLayer`. `hidden_states` are Hugging Face's: the mapped embeddings first, then the output of
 * each of the N layer applications.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { TokenizerDefaults } from '../tokenize/tokenizer-files.js';
import { configObject, positiveInt, requireDivisible } from '../checkpoint/config-fields.js';
import { BERT_CONFIG_LIMITS, bertConfigFromJson } from '../checkpoint/hf-config.js';
import type { StoredTensor } from '../checkpoint/safetensors.js';
import { heldTensor, selectWeights } from '../checkpoint/weight-map.js';
import type { Tokenizer } from '../tokenize/tokenizer.js';
import { bertLayer, embeddings, isLinearWeight, linear, mlmLogits, pooler, type BertConfig, type BertInputs, type BertOutputs, type BertWeights } from './bert.js';
import { EncoderModel } from './encoder-model.js';

interface AlbertConfig {
  /** The shared layer's config (hidden size H, heads, intermediate size, activation, eps, positions). */
  bert: BertConfig;
  embeddingSize: number;
  numHiddenGroups: number;
  innerGroupNum: number;
}

/** ALBERT's tokenizer.json (SentencePiece Unigram or WordPiece) with BERT's special tokens. */
export const ALBERT_TOKENIZER: TokenizerDefaults = {
  specialTokens: { unk: '<unk>', pad: '<pad>', mask: '[MASK]', cls: '[CLS]', sep: '[SEP]' },
};

/** Hugging Face's AlbertConfig defaults (albert-xxlarge's sizes), used where config.json is silent. */
const ALBERT_DEFAULTS_JSON = {
  vocab_size: 30000,
  hidden_size: 4096,
  num_hidden_layers: 12,
  num_attention_heads: 64,
  intermediate_size: 16384,
  hidden_act: 'gelu_new',
  max_position_embeddings: 512,
  type_vocab_size: 2,
  layer_norm_eps: 1e-12,
  pad_token_id: 0,
};

export function albertConfigFromJson(value: unknown, source = 'config.json'): AlbertConfig {
  const json = configObject(value, source);
  if (json.model_type !== undefined && json.model_type !== 'albert') throw new Error(`${source}: model_type is ${JSON.stringify(json.model_type)}, expected "albert"`);
  const bert = bertConfigFromJson({ ...ALBERT_DEFAULTS_JSON, ...json, model_type: undefined }, source);
  const embeddingSize = positiveInt(json, 'embedding_size', { max: BERT_CONFIG_LIMITS.hiddenSize, default: 128 }, source);
  const numHiddenGroups = positiveInt(json, 'num_hidden_groups', { max: bert.numHiddenLayers, default: 1 }, source);
  const innerGroupNum = positiveInt(json, 'inner_group_num', { max: 64, default: 1 }, source);
  requireDivisible(source, 'num_hidden_layers', bert.numHiddenLayers, 'num_hidden_groups', numHiddenGroups);
  return { bert, embeddingSize, numHiddenGroups, innerGroupNum };
}

/** ALBERT's name of a shared layer's parameter → BERT's name of layer `index` (group · inner + j). */
const LAYER_TO_BERT: Array<[RegExp, string]> = [
  [/^attention\.(query|key|value)\./, 'attention.self.$1.'],
  [/^attention\.dense\./, 'attention.output.dense.'],
  [/^attention\.LayerNorm\./, 'attention.output.LayerNorm.'],
  [/^ffn\./, 'intermediate.dense.'],
  [/^ffn_output\./, 'output.dense.'],
  [/^full_layer_layer_norm\./, 'output.LayerNorm.'],
];

const OTHER_TO_BERT: Array<[RegExp, string]> = [
  [/^pooler\./, 'pooler.dense.'],
  [/^predictions\.dense\./, 'cls.predictions.transform.dense.'],
  [/^predictions\.LayerNorm\./, 'cls.predictions.transform.LayerNorm.'],
  [/^predictions\.bias$/, 'cls.predictions.bias'],
  [/^predictions\.decoder\.weight$/, 'cls.predictions.decoder.weight'],
];

function toBertName(name: string, inner: number): string {
  const layer = /^encoder\.albert_layer_groups\.(\d+)\.albert_layers\.(\d+)\.(.*)$/.exec(name);
  if (layer) {
    const index = Number(layer[1]) * inner + Number(layer[2]);
    const rest = LAYER_TO_BERT.reduce((n, [pattern, replacement]) => n.replace(pattern, replacement), layer[3]);
    return `encoder.layer.${index}.${rest}`;
  }
  return OTHER_TO_BERT.reduce((n, [pattern, replacement]) => n.replace(pattern, replacement), name);
}

/** Names and stored shapes of an ALBERT of this config, in ALBERT's names. */
function albertWeightShapes(config: AlbertConfig): { required: Record<string, number[]>; pooler: Record<string, number[]>; head: Record<string, number[]> } {
  const { bert, embeddingSize: e } = config;
  const { hiddenSize: h, intermediateSize: i } = bert;
  const required: Record<string, number[]> = {
    'embeddings.word_embeddings.weight': [bert.vocabSize, e],
    'embeddings.position_embeddings.weight': [bert.maxPositionEmbeddings, e],
    'embeddings.token_type_embeddings.weight': [bert.typeVocabSize, e],
    'embeddings.LayerNorm.weight': [e],
    'embeddings.LayerNorm.bias': [e],
    'encoder.embedding_hidden_mapping_in.weight': [h, e],
    'encoder.embedding_hidden_mapping_in.bias': [h],
  };
  for (let g = 0; g < config.numHiddenGroups; g++) {
    for (let j = 0; j < config.innerGroupNum; j++) {
      const p = `encoder.albert_layer_groups.${g}.albert_layers.${j}.`;
      for (const name of ['query', 'key', 'value', 'dense']) {
        required[`${p}attention.${name}.weight`] = [h, h];
        required[`${p}attention.${name}.bias`] = [h];
      }
      Object.assign(required, {
        [`${p}attention.LayerNorm.weight`]: [h],
        [`${p}attention.LayerNorm.bias`]: [h],
        [`${p}ffn.weight`]: [i, h],
        [`${p}ffn.bias`]: [i],
        [`${p}ffn_output.weight`]: [h, i],
        [`${p}ffn_output.bias`]: [h],
        [`${p}full_layer_layer_norm.weight`]: [h],
        [`${p}full_layer_layer_norm.bias`]: [h],
      });
    }
  }
  return {
    required,
    pooler: { 'pooler.weight': [h, h], 'pooler.bias': [h] },
    head: { 'predictions.dense.weight': [e, h], 'predictions.dense.bias': [e], 'predictions.LayerNorm.weight': [e], 'predictions.LayerNorm.bias': [e], 'predictions.bias': [bert.vocabSize] },
  };
}

/** An AlbertModel / AlbertForMaskedLM / AlbertForPreTraining checkpoint's tensors as BERT-named weights. */
export function albertWeightsFromStored(stored: Map<string, StoredTensor>, config: AlbertConfig, source: string): { weights: BertWeights; extra: Record<string, tf.Tensor> } {
  const shapes = albertWeightShapes(config);
  const has = (name: string) => stored.has(name) || stored.has(`albert.${name}`);
  const { tensors, extra } = selectWeights(stored, {
    source,
    family: 'ALBERT',
    prefixes: ['albert.'],
    required: { ...shapes.required, ...(has('pooler.weight') ? shapes.pooler : {}), ...(has('predictions.dense.weight') ? shapes.head : {}) },
    optional: { 'predictions.decoder.weight': [config.bert.vocabSize, config.embeddingSize] },
    // predictions.decoder.bias is predictions.bias, stored twice.
    ignored: [/^embeddings\.position_ids$/, /^predictions\.decoder\.bias$/],
    extra: /^(classifier|qa_outputs|sop_classifier)\./,
  });
  const weights: BertWeights = {};
  for (const [name, t] of tensors) {
    const bertName = toBertName(name, config.innerGroupNum);
    weights[bertName] = heldTensor(t, isLinearWeight(bertName, t.shape));
  }
  const heads: Record<string, tf.Tensor> = {};
  for (const [name, t] of extra) heads[name] = heldTensor(t, t.shape.length === 2);
  return { weights, extra: heads };
}

/** The forward pass (see the header): BertOutputs with N + 1 hidden states, the first after the mapping. */
function albertForward(weights: BertWeights, config: AlbertConfig, inputs: BertInputs, options: { outputAttentions?: boolean } = {}): BertOutputs {
  const { bert } = config;
  const layers = bert.numHiddenLayers;
  const perGroup = layers / config.numHiddenGroups;
  return tf.tidy(() => {
    const embedded = embeddings(weights, { ...bert, hiddenSize: config.embeddingSize }, inputs);
    let hidden = linear(embedded, weights['encoder.embedding_hidden_mapping_in.weight'], weights['encoder.embedding_hidden_mapping_in.bias']) as tf.Tensor3D;
    const hiddenStates = [hidden];
    const attentions: tf.Tensor4D[] = [];
    for (let i = 0; i < layers; i++) {
      const group = Math.floor(i / perGroup);
      for (let j = 0; j < config.innerGroupNum; j++) {
        const out = bertLayer(weights, bert, group * config.innerGroupNum + j, hidden, inputs.attentionMask, options.outputAttentions ?? false);
        hidden = out.hidden;
        if (out.probs) attentions.push(out.probs);
      }
      hiddenStates.push(hidden);
    }
    const outputs: BertOutputs = { lastHiddenState: hidden, hiddenStates };
    if (weights['pooler.dense.weight']) outputs.poolerOutput = pooler(weights, hidden);
    if (options.outputAttentions) outputs.attentions = attentions;
    return outputs as unknown as tf.TensorContainerObject;
  }) as unknown as BertOutputs;
}

export function albertModel(config: AlbertConfig, weights: BertWeights, tokenizer: Tokenizer): EncoderModel {
  const { bert } = config;
  return new EncoderModel({
    family: 'albert',
    tokenizer,
    hiddenSize: bert.hiddenSize,
    numHiddenLayers: bert.numHiddenLayers,
    maxLength: bert.maxPositionEmbeddings,
    tokenTypes: true,
    forward: (inputs, options) => albertForward(weights, config, inputs, options),
    mlmLogits: weights['cls.predictions.transform.dense.weight'] ? (hidden) => mlmLogits(weights, bert, hidden) : undefined,
    wordEmbeddings: weights['embeddings.word_embeddings.weight'] as tf.Tensor2D,
    tensors: Object.values(weights),
  });
}
