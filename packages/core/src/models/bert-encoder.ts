/**
 * The seam between BERT's callers (embedding, pipelines, probes) and what runs its encoder: tfjs
 * in this thread by default, or another engine (ONNX Runtime in Node, `onnx/ort-bert-encoder.ts`)
 * that a model is given with `EncoderModel.useEncoder` (BERT, and DistilBERT run as a BERT). Callers hand over token ids as plain arrays
 * and get tfjs tensors back, whatever the engine.
 */
import * as tf from '@tensorflow/tfjs-core';
import { bertForward, type BertConfig, type BertOutputs, type BertWeights } from './bert.js';

/** A padded batch of token ids, row-major [batch, seq]. */
export interface BertBatch {
  batch: number;
  seq: number;
  inputIds: Int32Array;
  tokenTypeIds: Int32Array;
  /** 1 for real tokens, 0 for padding. */
  attentionMask: Float32Array | Int32Array;
}

export interface BertEncodeOptions {
  /** Also return each layer's attention probabilities (not every engine can). */
  outputAttentions?: boolean;
  /**
   * Only hidden states 0..layers are needed (default: all). An engine may skip the layers above
   * (tfjs does); the result then has layers + 1 hidden states, lastHiddenState is hiddenStates[layers],
   * and there is no pooler output unless every layer ran.
   */
  layers?: number;
}

export interface BertEncoder {
  /** What runs it, for reports: 'tfjs', 'onnxruntime', … */
  readonly engine: string;
  /** The encoder's outputs as tfjs tensors; the caller disposes them. */
  encode(batch: BertBatch, options?: BertEncodeOptions): Promise<BertOutputs>;
  /** Frees what the engine holds (not the model's weights). */
  dispose(): void;
}

/** The tfjs forward pass (`bertForward`) behind the encoder interface. */
export function tfjsBertEncoder(config: BertConfig, weights: BertWeights): BertEncoder {
  return {
    engine: 'tfjs',
    async encode(batch, options = {}) {
      const layers = checkedLayerCount(config, options.layers);
      const shape: [number, number] = [batch.batch, batch.seq];
      return tf.tidy(() => {
        const inputs = {
          inputIds: tf.tensor2d(batch.inputIds, shape, 'int32'),
          tokenTypeIds: tf.tensor2d(batch.tokenTypeIds, shape, 'int32'),
          attentionMask: tf.tensor2d(Float32Array.from(batch.attentionMask), shape, 'float32'),
        };
        // A config with fewer layers runs only those; the pooler reads the top layer, so it goes too.
        const truncated = layers === config.numHiddenLayers ? { config, weights } : { config: { ...config, numHiddenLayers: layers }, weights: withoutPooler(weights) };
        return bertForward(truncated.weights, truncated.config, inputs, { outputAttentions: options.outputAttentions }) as unknown as tf.TensorContainerObject;
      }) as unknown as BertOutputs;
    },
    dispose() {},
  };
}

/** `layers` checked against the config; all layers when undefined. */
export function checkedLayerCount(config: BertConfig, layers: number | undefined): number {
  if (layers === undefined) return config.numHiddenLayers;
  if (!Number.isInteger(layers) || layers < 0 || layers > config.numHiddenLayers) {
    throw new Error(`layers must be 0..${config.numHiddenLayers}, got ${layers}`);
  }
  return layers;
}

/**
 * The weights minus the pooler, so that `bertForward` skips it: token classification and QA
 * (add_pooling_layer=False in Transformers) and [CLS]-state classification never read it.
 */
export function withoutPooler(weights: BertWeights): BertWeights {
  if (!weights['pooler.dense.weight']) return weights;
  const { ['pooler.dense.weight']: _weight, ['pooler.dense.bias']: _bias, ...rest } = weights;
  return rest;
}
