/**
 * One vector per sentence from a frozen BERT: the top layer's [CLS] state (what the seed-003
 * probe reads), or the mean of its token states over the attention mask (sentence-transformers'
 * mean pooling, [CLS] and [SEP] included). Texts are tokenised once and batched by length, so a
 * batch pads only to its own longest text; vectors come back in the caller's order.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ElmoModel, tfjsBertEncoder, type BertConfig, type BertEncoder, type BertTokenizer, type BertWeights, type LanguageModel } from '@wb/core';
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
    const pooled = tf.tidy(() => {
      const { lastHiddenState } = outputs;
      if (pooling === 'cls') return tf.reshape(tf.slice(lastHiddenState, [0, 0, 0], [padded.batch, 1, config.hiddenSize]), [padded.batch, config.hiddenSize]);
      const mask = tf.expandDims(tf.tensor2d(padded.attentionMask, [padded.batch, padded.seq]), 2);
      return tf.div(tf.sum(tf.mul(lastHiddenState, mask), 1), tf.sum(mask, 1));
    });
    tf.dispose(outputs as unknown as tf.TensorContainer);
    const data = (await pooled.data()) as Float32Array;
    pooled.dispose();
    batch.forEach((i, b) => (vectors[i] = data.slice(b * config.hiddenSize, (b + 1) * config.hiddenSize)));
    options.onBatch?.(batch.length);
  }
  return vectors;
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

/** A model that gives sentence vectors: a BERT's parts (a loaded BERT is one) or an ELMo. */
export type SentenceEncoder = BertParts | ElmoModel;

/** What a sentence vector of `model` is made of, with the defaults filled in (what a run records). */
export interface SentenceVectorRecipe {
  pooling: SentencePooling;
  layer: number | 'average';
}

/**
 * The model as a SentenceEncoder, or an error that says what it is and what would do: only BERTs
 * and ELMos have sentence vectors here.
 */
export function asSentenceEncoder(model: LanguageModel | SentenceEncoder, where = 'sentence vectors'): SentenceEncoder {
  if (model instanceof ElmoModel || isBertParts(model)) return model;
  throw new Error(`${where}: this ${(model as LanguageModel).family} model gives no sentence vectors here; use a BERT or an ELMo folder`);
}

export function sentenceVectorRecipe(model: SentenceEncoder, options: SentenceVectorOptions = {}): SentenceVectorRecipe {
  if (model instanceof ElmoModel) {
    // ELMo has no [CLS]: its sentence vector is always the mean over the words.
    return { pooling: 'mean', layer: options.averageLayers ? 'average' : (options.layer ?? model.numLayers - 1) };
  }
  if (options.averageLayers) throw new Error('only an ELMo averages its layers into a sentence vector (averageLayers, --average-layers); pick one layer instead');
  return { pooling: options.pooling ?? 'cls', layer: options.layer ?? model.config.numHiddenLayers };
}

/** Sentence vectors of a BERT or an ELMo, as `sentenceVectors` and `elmoSentenceVectors` give them. */
export function anySentenceVectors(model: SentenceEncoder, texts: readonly string[], options: SentenceVectorOptions = {}): Promise<Float32Array[]> {
  return model instanceof ElmoModel ? elmoSentenceVectors(model, texts, options) : sentenceVectors(model, texts, options);
}

function isBertParts(model: object): model is BertParts {
  const parts = model as Partial<BertParts>;
  return typeof parts.config?.numHiddenLayers === 'number' && parts.weights !== undefined && parts.tokenizer !== undefined;
}
