/** Hugging Face `config.json` ↔ our model configs. */
import { BERT_DEFAULTS, type BertConfig } from '../models/bert.js';

export interface HfBertConfigJson {
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

export function bertConfigFromJson(json: HfBertConfigJson, source = 'config.json'): BertConfig {
  if (json.model_type !== undefined && !BERT_LIKE.has(json.model_type)) {
    throw new Error(`${source}: model_type is "${json.model_type}", expected "bert"`);
  }
  if (json.position_embedding_type !== undefined && json.position_embedding_type !== 'absolute') {
    throw new Error(`${source}: position_embedding_type "${json.position_embedding_type}" is not supported (expected "absolute")`);
  }
  const config: BertConfig = {
    vocabSize: json.vocab_size ?? BERT_DEFAULTS.vocabSize,
    hiddenSize: json.hidden_size ?? BERT_DEFAULTS.hiddenSize,
    numHiddenLayers: json.num_hidden_layers ?? BERT_DEFAULTS.numHiddenLayers,
    numAttentionHeads: json.num_attention_heads ?? BERT_DEFAULTS.numAttentionHeads,
    intermediateSize: json.intermediate_size ?? BERT_DEFAULTS.intermediateSize,
    hiddenAct: json.hidden_act ?? BERT_DEFAULTS.hiddenAct,
    maxPositionEmbeddings: json.max_position_embeddings ?? BERT_DEFAULTS.maxPositionEmbeddings,
    typeVocabSize: json.type_vocab_size ?? BERT_DEFAULTS.typeVocabSize,
    layerNormEps: json.layer_norm_eps ?? BERT_DEFAULTS.layerNormEps,
    padTokenId: json.pad_token_id ?? BERT_DEFAULTS.padTokenId,
    initializerRange: json.initializer_range ?? BERT_DEFAULTS.initializerRange,
  };
  if (config.hiddenSize % config.numAttentionHeads !== 0) {
    throw new Error(
      `${source}: hidden_size ${config.hiddenSize} is not a multiple of num_attention_heads ${config.numAttentionHeads}`,
    );
  }
  return config;
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
