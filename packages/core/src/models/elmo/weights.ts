/**
 * ELMo's weights: a plain object keyed by the names of AllenNLP's `weights.hdf5`, in the stored
 * TensorFlow layout (see ./index.ts for the table); their shapes as the options imply them, the
 * check of a loaded set, and fresh weights with bilm-tf's initialisers.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../train/rng.js';
import type { ElmoOptions } from './options.js';

export type ElmoWeights = Record<string, tf.Tensor>;

export const elmoNames = {
  charEmbed: 'char_embed',
  cnnWeight: (i: number) => `CNN/W_cnn_${i}`,
  cnnBias: (i: number) => `CNN/b_cnn_${i}`,
  highway: (k: number, part: 'W_carry' | 'b_carry' | 'W_transform' | 'b_transform') => `CNN_high_${k}/${part}`,
  projWeight: 'CNN_proj/W_proj',
  projBias: 'CNN_proj/b_proj',
  /** direction 0 = forward, 1 = backward (bilm-tf's RNN_0 / RNN_1). */
  lstm: (direction: number, layer: number, part: 'W_0' | 'B' | 'W_P_0') =>
    `RNN_${direction}/RNN/MultiRNNCell/Cell${layer}/LSTMCell/${part}`,
  softmaxWeight: 'softmax/W',
  softmaxBias: 'softmax/b',
} as const;

interface ElmoWeightSpec {
  shape: number[];
  /** Which option implies this shape (for error messages). */
  from: string;
}

/** Number of raw character ids the char embedding covers (AllenNLP adds row 0 for masking on top). */
const ELMO_CHAR_EMBED_ROWS = 261;

/**
 * Every weight the options imply, with its shape. The CNN projection exists only when the filters
 * do not already sum to projection_dim, and the LSTM projection only when projection_dim < dim (as in
 * bilm-tf). `vocabSize` adds the language-model softmax.
 */
export function elmoWeightShapes(options: ElmoOptions, extra: { vocabSize?: number } = {}): Map<string, ElmoWeightSpec> {
  const { lstm, char_cnn: cnn } = options;
  const E = cnn.embedding.dim;
  const F = nFilters(options);
  const P = lstm.projection_dim;
  const C = lstm.dim;
  const specs = new Map<string, ElmoWeightSpec>();
  specs.set(elmoNames.charEmbed, { shape: [ELMO_CHAR_EMBED_ROWS, E], from: 'char_cnn.embedding.dim' });
  cnn.filters.forEach(([w, n], i) => {
    specs.set(elmoNames.cnnWeight(i), { shape: [1, w, E, n], from: `char_cnn.filters[${i}] = [${w}, ${n}]` });
    specs.set(elmoNames.cnnBias(i), { shape: [n], from: `char_cnn.filters[${i}] = [${w}, ${n}]` });
  });
  for (let k = 0; k < cnn.n_highway; k++) {
    const from = `char_cnn.n_highway = ${cnn.n_highway}, sum of filters = ${F}`;
    specs.set(elmoNames.highway(k, 'W_carry'), { shape: [F, F], from });
    specs.set(elmoNames.highway(k, 'b_carry'), { shape: [F], from });
    specs.set(elmoNames.highway(k, 'W_transform'), { shape: [F, F], from });
    specs.set(elmoNames.highway(k, 'b_transform'), { shape: [F], from });
  }
  if (F !== P) {
    const from = `sum of char_cnn.filters = ${F}, lstm.projection_dim = ${P}`;
    specs.set(elmoNames.projWeight, { shape: [F, P], from });
    specs.set(elmoNames.projBias, { shape: [P], from });
  }
  for (let d = 0; d < 2; d++) {
    for (let l = 0; l < lstm.n_layers; l++) {
      const from = `lstm.dim = ${C}, lstm.projection_dim = ${P}, layer ${l} of lstm.n_layers = ${lstm.n_layers}`;
      specs.set(elmoNames.lstm(d, l, 'W_0'), { shape: [P + (P < C ? P : C), 4 * C], from });
      specs.set(elmoNames.lstm(d, l, 'B'), { shape: [4 * C], from });
      if (P < C) specs.set(elmoNames.lstm(d, l, 'W_P_0'), { shape: [C, P], from });
    }
  }
  if (extra.vocabSize) {
    specs.set(elmoNames.softmaxWeight, { shape: [extra.vocabSize, P], from: `vocabulary of ${extra.vocabSize} words` });
    specs.set(elmoNames.softmaxBias, { shape: [extra.vocabSize], from: `vocabulary of ${extra.vocabSize} words` });
  }
  return specs;
}

function nFilters(options: ElmoOptions): number {
  return options.char_cnn.filters.reduce((sum, [, n]) => sum + n, 0);
}

/** Checks that `weights` has every tensor the options imply, with that shape. */
export function checkElmoWeights(weights: ElmoWeights, options: ElmoOptions, source = 'weights'): void {
  const vocab = weights[elmoNames.softmaxWeight]?.shape[0];
  for (const [name, { shape, from }] of elmoWeightShapes(options, { vocabSize: vocab })) {
    const t = weights[name];
    if (!t) throw new Error(`${source}: weight "${name}" is missing (expected shape [${shape}] from ${from})`);
    if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
      throw new Error(`${source}: weight "${name}" has shape [${t.shape}] but the options imply [${shape}] (${from})`);
    }
  }
}

/**
 * Fresh weights with bilm-tf's initialisers (char embeddings U(-1, 1); CNN U(±0.05) for relu or
 * N(0, 1/(w·E)) for tanh; highways N(0, 1/F) with the carry bias at -2; projection N(0, 1/F); LSTM
 * kernels Glorot-uniform, biases 0; softmax N(0, 1/P)). Same seed, same weights.
 */
export function initElmoWeights(options: ElmoOptions, init: { seed?: number; vocabSize?: number } = {}): ElmoWeights {
  // One stream for every tensor, drawn in elmoWeightShapes' order: a change of order changes the weights.
  const rng = new Rng(init.seed ?? 0);
  const weights: ElmoWeights = {};
  const uniform = (shape: number[], limit: number) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(size);
    for (let i = 0; i < size; i++) data[i] = (rng.next() * 2 - 1) * limit;
    return tf.tensor(data, shape, 'float32');
  };
  const normal = (shape: number[], std: number) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(size);
    for (let i = 0; i < size; i++) data[i] = rng.normal(std);
    return tf.tensor(data, shape, 'float32');
  };
  const E = options.char_cnn.embedding.dim;
  const F = nFilters(options);
  for (const [name, { shape }] of elmoWeightShapes(options, { vocabSize: init.vocabSize })) {
    let t: tf.Tensor;
    if (name === elmoNames.charEmbed) t = uniform(shape, 1);
    else if (name.startsWith('CNN/W_cnn_')) {
      t = options.char_cnn.activation === 'relu' ? uniform(shape, 0.05) : normal(shape, Math.sqrt(1 / (shape[1] * E)));
    } else if (name.startsWith('CNN_high_')) {
      if (name.endsWith('W_carry') || name.endsWith('W_transform')) t = normal(shape, Math.sqrt(1 / F));
      else t = tf.fill(shape, name.endsWith('b_carry') ? -2 : 0);
    } else if (name === elmoNames.projWeight) t = normal(shape, Math.sqrt(1 / F));
    else if (name.endsWith('/W_0') || name.endsWith('/W_P_0')) t = uniform(shape, Math.sqrt(6 / (shape[0] + shape[1])));
    else if (name === elmoNames.softmaxWeight) t = normal(shape, 1 / Math.sqrt(options.lstm.projection_dim));
    else t = tf.zeros(shape);
    weights[name] = t;
  }
  return weights;
}

let variableSets = 0;

/** Variables over the same values, for tf.variableGrads / optimizer.minimize. */
export function elmoVariables(weights: ElmoWeights, trainable = true): Record<string, tf.Variable> {
  const prefix = `elmo_${variableSets++}`;
  return Object.fromEntries(Object.entries(weights).map(([name, t]) => [name, tf.variable(t, trainable, `${prefix}/${name}`)]));
}
