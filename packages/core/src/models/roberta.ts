/**
 * RoBERTa (Liu et al. 2019) as in Hugging Face's modeling_roberta.py: BERT's encoder with three
 * differences. Positions start at `padding_idx + 1` (position ids are `padding_idx + 1 + i` for
 * the i-th token, so the table has `padding_idx + 1` rows more than the model can use); there is
 * one token type; and the masked-LM head is `lm_head` (dense → GELU → layer_norm → decoder tied to
 * the word embeddings). Its tokenizer is GPT-2's byte-level BPE with `<s> A </s></s> B </s>`.
 *
 * The model holds the position table from row `padding_idx + 1` on, so that BERT's positions
 * 0, 1, 2, … are RoBERTa's, and runs through `bertForward` and BERT's MLM head. (Padding tokens
 * would read other rows than in Hugging Face, but padding is masked out and sliced away.)
 */
import * as tf from '@tensorflow/tfjs-core';
import type { TokenizerDefaults } from '../tokenize/tokenizer-files.js';
import { configObject } from '../checkpoint/config-fields.js';
import { bertConfigFromJson } from '../checkpoint/hf-config.js';
import type { StoredTensor } from '../checkpoint/safetensors.js';
import { heldTensor, selectWeights } from '../checkpoint/weight-map.js';
import type { Tokenizer } from '../tokenize/tokenizer.js';
import { bertForward, bertWeightShapes, isLinearWeight, mlmLogits, type BertConfig, type BertWeights } from './bert.js';
import { EncoderModel } from './encoder-model.js';

interface RobertaConfig {
  /** The encoder's config with the usable positions (max_position_embeddings − padding_idx − 1). */
  bert: BertConfig;
  /** padding_idx: the position table's rows up to it are never used by a token. */
  paddingIdx: number;
  /** Rows of the stored position table (max_position_embeddings). */
  positionRows: number;
}

const ROBERTA_TYPES = ['roberta', 'xlm-roberta'];

/** RoBERTa's: `<s> A </s></s> B </s>`, `<mask>` taking the space before it. */
export const ROBERTA_TOKENIZER: TokenizerDefaults = {
  template: 'roberta',
  specialTokens: { bos: '<s>', eos: '</s>', unk: '<unk>', pad: '<pad>', mask: '<mask>', cls: '<s>', sep: '</s>' },
};

export function robertaConfigFromJson(value: unknown, source = 'config.json'): RobertaConfig {
  const json = configObject(value, source);
  if (json.model_type !== undefined && !ROBERTA_TYPES.includes(json.model_type as string)) {
    throw new Error(`${source}: model_type is ${JSON.stringify(json.model_type)}, expected "roberta"`);
  }
  // RoBERTa's config.json is BERT's, with RoBERTa's defaults where a field is absent.
  const bert = bertConfigFromJson({ pad_token_id: 1, type_vocab_size: 1, layer_norm_eps: 1e-5, max_position_embeddings: 514, vocab_size: 50265, ...json, model_type: undefined }, source);
  const paddingIdx = bert.padTokenId;
  const usable = bert.maxPositionEmbeddings - paddingIdx - 1;
  if (usable < 1) throw new Error(`${source}: max_position_embeddings ${bert.maxPositionEmbeddings} leaves no position after padding_idx ${paddingIdx} (positions start at padding_idx + 1)`);
  return { bert: { ...bert, maxPositionEmbeddings: usable }, paddingIdx, positionRows: bert.maxPositionEmbeddings };
}

/** lm_head names ↔ BERT's MLM head names. */
const LM_HEAD_TO_BERT: Array<[RegExp, string]> = [
  [/^lm_head\.dense\./, 'cls.predictions.transform.dense.'],
  [/^lm_head\.layer_norm\./, 'cls.predictions.transform.LayerNorm.'],
  [/^lm_head\.bias$/, 'cls.predictions.bias'],
  [/^lm_head\.decoder\.weight$/, 'cls.predictions.decoder.weight'],
];

/** A RobertaModel / RobertaForMaskedLM checkpoint's tensors as BERT-named weights, position table shifted (see the header). */
export function robertaWeightsFromStored(stored: Map<string, StoredTensor>, config: RobertaConfig, source: string): { weights: BertWeights; extra: Record<string, tf.Tensor> } {
  const { bert } = config;
  const h = bert.hiddenSize;
  const encoder = bertWeightShapes({ ...bert, maxPositionEmbeddings: config.positionRows }, { pooler: false });
  const head = { 'lm_head.dense.weight': [h, h], 'lm_head.dense.bias': [h], 'lm_head.layer_norm.weight': [h], 'lm_head.layer_norm.bias': [h], 'lm_head.bias': [bert.vocabSize] };
  const hasHead = stored.has('lm_head.dense.weight');
  const { tensors, extra } = selectWeights(stored, {
    source,
    family: 'RoBERTa',
    prefixes: ['roberta.'],
    required: hasHead ? { ...encoder, ...head } : encoder,
    optional: { 'pooler.dense.weight': [h, h], 'pooler.dense.bias': [h], 'lm_head.decoder.weight': [bert.vocabSize, h] },
    // lm_head.decoder.bias is lm_head.bias, stored twice.
    ignored: [/^embeddings\.position_ids$/, /^lm_head\.decoder\.bias$/],
    extra: /^(classifier|qa_outputs)\./,
  });
  const weights: BertWeights = {};
  for (const [name, t] of tensors) {
    const bertName = LM_HEAD_TO_BERT.reduce((n, [pattern, replacement]) => n.replace(pattern, replacement), name);
    weights[bertName] = heldTensor(t, isLinearWeight(bertName, t.shape));
  }
  const table = weights['embeddings.position_embeddings.weight'];
  weights['embeddings.position_embeddings.weight'] = tf.slice(table, [config.paddingIdx + 1, 0], [-1, -1]);
  table.dispose();
  const heads: Record<string, tf.Tensor> = {};
  for (const [name, t] of extra) heads[name] = heldTensor(t, t.shape.length === 2);
  return { weights, extra: heads };
}

export function robertaModel(config: RobertaConfig, weights: BertWeights, tokenizer: Tokenizer): EncoderModel {
  const { bert } = config;
  return new EncoderModel({
    family: 'roberta',
    tokenizer,
    hiddenSize: bert.hiddenSize,
    numHiddenLayers: bert.numHiddenLayers,
    maxLength: bert.maxPositionEmbeddings,
    // RoBERTa's tokenizer marks the second text, but its model has one token type.
    tokenTypes: bert.typeVocabSize > 1,
    forward: (inputs, options) => bertForward(weights, bert, inputs, options),
    mlmLogits: weights['cls.predictions.transform.dense.weight'] ? (hidden) => mlmLogits(weights, bert, hidden) : undefined,
    wordEmbeddings: weights['embeddings.word_embeddings.weight'] as tf.Tensor2D,
    tensors: Object.values(weights),
  });
}
