/**
 * One vector per sentence from a frozen encoder (BERT, DistilBERT, RoBERTa, ALBERT): the top
 * layer's first-token state ([CLS], RoBERTa's <s>: what the seed-003 probe reads), or the mean of
 * its token states over the attention mask (sentence-transformers' mean pooling, the template
 * tokens included). Texts are batched by length, so a batch pads only to its own longest text;
 * vectors come back in the caller's order. ELMo's are the mean over its words.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ElmoModel, EncoderModel, tfjsBertEncoder, type BertConfig, type BertEncoder, type BertTokenizer, type BertWeights, type LanguageModel } from '@wb/core';
import { lengthSortedBatches, padBatch } from '../heads/padded-batch.js';

export type SentencePooling = 'cls' | 'mean';

/** What the pipelines need of a BERT; a `BertModel` from loadBert is one. */
export interface BertParts {
  config: BertConfig;
  weights: BertWeights;
  tokenizer: BertTokenizer;
  /** What runs the encoder (a BertModel's engine); tfjs on `weights` when absent. */
  encoder?: BertEncoder;
}

export interface SentenceVectorOptions {
  /** Default 'cls'. */
  pooling?: SentencePooling;
  /** Hidden state to read: 0 = embeddings output, default the top layer. */
  layer?: number;
  /** Texts per forward pass (default 32). */
  batchSize?: number;
  /** Longer texts are cut to this many tokens (default: the model's positions). */
  maxLength?: number;
  onBatch?: (texts: number) => void;
  /** ELMo only: the plain average of all its layers instead of one layer. */
  averageLayers?: boolean;
}

export async function sentenceVectors(model: BertParts, texts: readonly string[], options: SentenceVectorOptions = {}): Promise<Float32Array[]> {
  const { config, tokenizer } = model;
  const { pooling, layer } = sentenceVectorRecipe(model, options) as { pooling: SentencePooling; layer: number };
  if (!Number.isInteger(layer) || layer < 0 || layer > config.numHiddenLayers) {
    throw new Error(`layer must be 0..${config.numHiddenLayers}, got ${layer}`);
  }
  const maxLength = Math.min(options.maxLength ?? config.maxPositionEmbeddings, config.maxPositionEmbeddings);
  const inputs = texts.map((text) => {
    const encoding = tokenizer.encode(text, { maxLength, truncation: true });
    return { ids: encoding.ids, typeIds: encoding.tokenTypeIds };
  });
  const encoder = model.encoder ?? tfjsBertEncoder(config, model.weights);
  const vectors: Float32Array[] = new Array(texts.length);
  for (const batch of lengthSortedBatches(inputs.map((input) => input.ids.length), options.batchSize ?? 32)) {
    const padded = padBatch(batch.map((i) => inputs[i]), tokenizer.padTokenId);
    // Asking for `layer` layers makes the last hidden state the one wanted; tfjs skips the layers above it.
    const outputs = await encoder.encode(padded, { layers: layer });
    const pooled = tf.tidy(() => pool(outputs.lastHiddenState, tf.tensor2d(padded.attentionMask, [padded.batch, padded.seq]), pooling));
    tf.dispose(outputs as unknown as tf.TensorContainer);
    const data = (await pooled.data()) as Float32Array;
    pooled.dispose();
    batch.forEach((i, b) => (vectors[i] = data.slice(b * config.hiddenSize, (b + 1) * config.hiddenSize)));
    options.onBatch?.(batch.length);
  }
  return vectors;
}

/**
 * Sentence vectors of the other encoders (DistilBERT, RoBERTa, ALBERT) through the family's own
 * `encode`, pooled as a BERT's.
 */
async function encoderSentenceVectors(model: EncoderModel, texts: readonly string[], options: SentenceVectorOptions): Promise<Float32Array[]> {
  const { pooling, layer } = sentenceVectorRecipe(model, options) as { pooling: SentencePooling; layer: number };
  const top = model.numLayers - 1;
  if (!Number.isInteger(layer) || layer < 0 || layer > top) throw new Error(`layer must be 0..${top}, got ${layer}`);
  const maxLength = Math.min(options.maxLength ?? model.maxLength, model.maxLength);
  const vectors: Float32Array[] = new Array(texts.length);
  // Characters stand in for tokens when sorting: close enough to keep padding small, without tokenising twice.
  for (const batch of lengthSortedBatches(texts.map((text) => text.length), options.batchSize ?? 32)) {
    const run = await model.encode(batch.map((i) => texts[i]), { maxLength, truncation: 'longest_first' });
    const pooled = tf.tidy(() => pool(run.outputs.hiddenStates[layer], run.attentionMask, pooling));
    run.dispose();
    const data = (await pooled.data()) as Float32Array;
    pooled.dispose();
    batch.forEach((i, b) => (vectors[i] = data.slice(b * model.dim, (b + 1) * model.dim)));
    options.onBatch?.(batch.length);
  }
  return vectors;
}

/** [batch, seq, dim] states → [batch, dim]: the first token's, or the mean over the mask's tokens. */
function pool(states: tf.Tensor, attentionMask: tf.Tensor, pooling: SentencePooling): tf.Tensor2D {
  const [batch, , dim] = states.shape;
  if (pooling === 'cls') return tf.reshape(tf.slice(states, [0, 0, 0], [batch, 1, dim]), [batch, dim]);
  const mask = tf.expandDims(tf.cast(attentionMask, 'float32'), 2);
  return tf.div(tf.sum(tf.mul(states, mask), 1), tf.sum(mask, 1));
}

/**
 * One vector per sentence from a frozen ELMo: the mean over its words of one layer (default the
 * top biLSTM layer; 0 is the character-CNN token layer) or, with `averageLayers`, of the plain
 * average of all layers (a ScalarMix with equal weights). ELMo has no [CLS], so pooling is always
 * the mean; texts are split into words as ElmoModel.embed does.
 */
export async function elmoSentenceVectors(model: ElmoModel, texts: readonly string[], options: SentenceVectorOptions = {}): Promise<Float32Array[]> {
  const top = model.numLayers - 1;
  const { layer } = sentenceVectorRecipe(model, options);
  if (layer !== 'average' && (!Number.isInteger(layer) || layer < 0 || layer > top)) throw new Error(`layer must be 0..${top} for this ELMo, got ${layer}`);
  const words = texts.map((text) => model.splitWords(text).map((w) => w.text));
  const dim = model.dim;
  const vectors: Float32Array[] = new Array(texts.length);
  for (const batch of lengthSortedBatches(words.map((w) => w.length), options.batchSize ?? 32)) {
    const { layers, mask } = model.run(batch.map((i) => words[i]));
    const pooled = tf.tidy(() => {
      const chosen = layer === 'average' ? tf.div(tf.addN(layers), layers.length) : layers[layer];
      const m = tf.expandDims(mask, 2);
      return tf.div(tf.sum(tf.mul(chosen, m), 1), tf.maximum(tf.sum(m, 1), 1)); // an empty text gives zeros, not NaN
    });
    tf.dispose([...layers, mask]);
    const data = (await pooled.data()) as Float32Array;
    pooled.dispose();
    batch.forEach((i, b) => (vectors[i] = data.slice(b * dim, (b + 1) * dim)));
    options.onBatch?.(batch.length);
  }
  return vectors;
}

/** A model that gives sentence vectors: a BERT's parts (a loaded BERT is one), another encoder, or an ELMo. */
export type SentenceEncoder = BertParts | EncoderModel | ElmoModel;

/** What a sentence vector of `model` is made of, with the defaults filled in (what a run records). */
export interface SentenceVectorRecipe {
  pooling: SentencePooling;
  layer: number | 'average';
}

/**
 * The model as a SentenceEncoder, or an error that says what it is and what would do: encoders
 * and ELMos have sentence vectors here; a decoder (GPT-2) has no [CLS] and sees no later words.
 */
export function asSentenceEncoder(model: LanguageModel | SentenceEncoder, where = 'sentence vectors'): SentenceEncoder {
  if (model instanceof ElmoModel || model instanceof EncoderModel || isBertParts(model)) return model;
  throw new Error(
    `${where}: this ${(model as LanguageModel).family} model gives no sentence vectors here; use an encoder (BERT, DistilBERT, RoBERTa, ALBERT) or an ELMo folder`,
  );
}

export function sentenceVectorRecipe(model: SentenceEncoder, options: SentenceVectorOptions = {}): SentenceVectorRecipe {
  if (model instanceof ElmoModel) {
    // ELMo has no [CLS]: its sentence vector is always the mean over the words.
    return { pooling: 'mean', layer: options.averageLayers ? 'average' : (options.layer ?? model.numLayers - 1) };
  }
  if (options.averageLayers) throw new Error('only an ELMo averages its layers into a sentence vector (averageLayers, --average-layers); pick one layer instead');
  const top = isBertParts(model) ? model.config.numHiddenLayers : model.numLayers - 1;
  return { pooling: options.pooling ?? 'cls', layer: options.layer ?? top };
}

/** Sentence vectors of any SentenceEncoder: a BERT's through its engine, another encoder's through `encode`, an ELMo's words' mean. */
export function anySentenceVectors(model: SentenceEncoder, texts: readonly string[], options: SentenceVectorOptions = {}): Promise<Float32Array[]> {
  if (model instanceof ElmoModel) return elmoSentenceVectors(model, texts, options);
  return isBertParts(model) ? sentenceVectors(model, texts, options) : encoderSentenceVectors(model, texts, options);
}

function isBertParts(model: object): model is BertParts {
  const parts = model as Partial<BertParts>;
  return typeof parts.config?.numHiddenLayers === 'number' && parts.weights !== undefined && parts.tokenizer !== undefined;
}
