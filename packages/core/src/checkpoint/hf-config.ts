/** Hugging Face `config.json` ↔ our model configs (fields checked with `config-fields.ts`). */
import { activationOf, BERT_DEFAULTS, type BertConfig } from '../models/bert.js';
import { configObject, describeValue, finiteNumber, nonNegativeInt, positiveInt, positiveNumber, requireDivisible, stringField } from './config-fields.js';

interface HfBertConfigJson {
  model_type?: string;
  architectures?: string[];
  vocab_size?: number;
  hidden_size?: number;
  num_hidden_layers?: number;
  num_attention_heads?: number;
  intermediate_size?: number;
  hidden_act?: string;
  max_position_embeddings?: number;
  type_vocab_size?: number;
  layer_norm_eps?: number;
  pad_token_id?: number;
  initializer_range?: number;
  position_embedding_type?: string;
  [key: string]: unknown;
}

const BERT_LIKE = new Set(['bert', 'distilbert-as-bert']);

/**
 * Upper bounds on the sizes a BERT config.json may ask for: far above any published BERT
 * (BERT-large: 24 layers, 1024 hidden, 16 heads, 4096 feed-forward, 512 positions; the largest
 * vocabularies ~250k), far below what would exhaust memory before the weights are even read.
 */
export const BERT_CONFIG_LIMITS = {
  vocabSize: 1 << 20,
  hiddenSize: 1 << 14,
  numHiddenLayers: 256,
  numAttentionHeads: 1024,
  intermediateSize: 1 << 17,
  maxPositionEmbeddings: 1 << 17,
  typeVocabSize: 1 << 10,
} as const;

/** config.json (parsed) → BertConfig, every field checked by type and range first; `source` names the file. */
export function bertConfigFromJson(value: unknown, source = 'config.json'): BertConfig {
  const json = configObject(value, source);
  const limits = BERT_CONFIG_LIMITS;
  const d = BERT_DEFAULTS;
  if (json.model_type !== undefined && (typeof json.model_type !== 'string' || !BERT_LIKE.has(json.model_type))) {
    throw new Error(`${source}: model_type is ${describeValue(json.model_type)}, expected "bert"`);
  }
  if (json.position_embedding_type !== undefined && json.position_embedding_type !== 'absolute') {
    throw new Error(`${source}: position_embedding_type ${describeValue(json.position_embedding_type)} is not supported (expected "absolute")`);
  }
  const vocabSize = positiveInt(json, 'vocab_size', { max: limits.vocabSize, default: d.vocabSize }, source);
  const hiddenSize = positiveInt(json, 'hidden_size', { max: limits.hiddenSize, default: d.hiddenSize }, source);
  const numAttentionHeads = positiveInt(json, 'num_attention_heads', { max: limits.numAttentionHeads, default: d.numAttentionHeads }, source);
  requireDivisible(source, 'hidden_size', hiddenSize, 'num_attention_heads', numAttentionHeads);
  const hiddenAct = stringField(json, 'hidden_act', { default: d.hiddenAct }, source);
  try {
    activationOf(hiddenAct);
  } catch (e) {
    throw new Error(`${source}: ${(e as Error).message}`);
  }
  return {
    vocabSize,
    hiddenSize,
    numHiddenLayers: positiveInt(json, 'num_hidden_layers', { max: limits.numHiddenLayers, default: d.numHiddenLayers }, source),
    numAttentionHeads,
    intermediateSize: positiveInt(json, 'intermediate_size', { max: limits.intermediateSize, default: d.intermediateSize }, source),
    hiddenAct,
    maxPositionEmbeddings: positiveInt(json, 'max_position_embeddings', { max: limits.maxPositionEmbeddings, default: d.maxPositionEmbeddings }, source),
    typeVocabSize: positiveInt(json, 'type_vocab_size', { max: limits.typeVocabSize, default: d.typeVocabSize }, source),
    // An epsilon of 0 divides by zero on a constant vector; above 1 it is not an epsilon.
    layerNormEps: positiveNumber(json, 'layer_norm_eps', { max: 1, default: d.layerNormEps }, source),
    padTokenId: nonNegativeInt(json, 'pad_token_id', { max: vocabSize - 1, default: d.padTokenId }, source),
    initializerRange: finiteNumber(json, 'initializer_range', { min: 0, max: 1e3, default: d.initializerRange }, source),
  };
}

export function bertConfigToJson(config: BertConfig, architectures = ['BertForPreTraining']): HfBertConfigJson {
  return {
    architectures,
    model_type: 'bert',
    vocab_size: config.vocabSize,
    hidden_size: config.hiddenSize,
    num_hidden_layers: config.numHiddenLayers,
    num_attention_heads: config.numAttentionHeads,
    intermediate_size: config.intermediateSize,
    hidden_act: config.hiddenAct,
    hidden_dropout_prob: 0.1,
    attention_probs_dropout_prob: 0.1,
    max_position_embeddings: config.maxPositionEmbeddings,
    type_vocab_size: config.typeVocabSize,
    initializer_range: config.initializerRange,
    layer_norm_eps: config.layerNormEps,
    pad_token_id: config.padTokenId,
    position_embedding_type: 'absolute',
  };
}
