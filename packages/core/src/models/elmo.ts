/**
 * ELMo (Peters et al. 2018): a character CNN gives each word a context-independent vector, a
 * two-layer biLSTM language model reads the sentence forwards and backwards, and a task learns
 * how to mix the layers (ScalarMix: softmax-normalised weights a1, a2, ... times a gamma).
 *
 * This follows AllenNLP's `Elmo` / `_ElmoCharacterEncoder` / `ElmoLstm` / `LstmCellWithProjection`
 * (and the original bilm-tf graph they were ported from), so real AllenNLP checkpoints give the same
 * vectors. Weights are a plain object keyed by the names of AllenNLP's `weights.hdf5`, in the stored
 * TensorFlow layout (nothing is transposed or reordered at load time):
 *
 *   char_embed                                  [261, E]       row c = raw character id c (0 is added for masking)
 *   CNN/W_cnn_i, CNN/b_cnn_i                    [1, w, E, n], [n]   one per char_cnn.filters[i] = [w, n]
 *   CNN_high_k/W_carry, b_carry, W_transform, b_transform   [F, F], [F]   (F = sum of n)
 *   CNN_proj/W_proj, CNN_proj/b_proj            [F, P], [P]    (P = lstm.projection_dim)
 *   RNN_d/RNN/MultiRNNCell/Cell{l}/LSTMCell/W_0  [in + P, 4C]   d = 0 forward, 1 backward; gates i, j, f, o
 *   RNN_d/RNN/MultiRNNCell/Cell{l}/LSTMCell/B    [4C]           TF adds 1.0 to the forget gate at run time
 *   RNN_d/RNN/MultiRNNCell/Cell{l}/LSTMCell/W_P_0 [C, P]        (C = lstm.dim)
 *   softmax/W, softmax/b                        [V, P], [V]    only for language-model training
 *
 * Details that matter for parity: max over time THEN the activation in the CNN; the highway is
 * `carry * relu(x Wt + bt) + (1 - carry) * x` with `carry = sigmoid(x Wc + bc)` (AllenNLP stores the
 * same thing as `g * x + (1 - g) * f(x)` with negated carry weights); the memory cell is clipped before
 * `o * tanh(c)` and the projected state after the projection; no skip connection into the first layer;
 * the backward LSTM runs over each sentence reversed within its own length, from a zero state.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { EmbeddedSentence, EmbeddedWord, EmbedOptions } from '../embed.js';
import { unsupported, type FeatureOptions, type FillMaskPrediction, type Generation, type LanguageModel, type ModelInput, type TokenFeatures } from './language-model.js';
import { dense } from '../ops/dense.js';
import { gatherRows } from '../ops/gather-rows.js';
import { Rng } from '../train/rng.js';
import { basicTokenize } from '../tokenize/basic.js';
import { batchToElmoCharIds, ELMoCharacterMapper } from '../tokenize/elmo-chars.js';
import { booleanField, configObject, describeValue, finiteNumber, nonNegativeInt, oneOf, positiveInt, section } from '../checkpoint/config-fields.js';

// ---------------------------------------------------------------------------------------------
// Options (AllenNLP's / bilm-tf's options.json, kept as is)
// ---------------------------------------------------------------------------------------------

export interface ElmoOptions {
  lstm: {
    /** Memory cell size C. */
    dim: number;
    /** Output (and token-embedding) size P. */
    projection_dim: number;
    n_layers: number;
    cell_clip?: number | null;
    proj_clip?: number | null;
    use_skip_connections: boolean;
  };
  char_cnn: {
    embedding: { dim: number };
    /** [width, number of filters] per convolution. */
    filters: Array<[number, number]>;
    n_highway: number;
    n_characters?: number;
    max_characters_per_token: number;
    activation: 'relu' | 'tanh';
  };
  /** bilm-tf's training options (n_tokens_vocab, dropout, ...) are kept but not used here. */
  [key: string]: unknown;
}

export type ElmoWeights = Record<string, tf.Tensor>;

/**
 * Upper bounds on what options.json may ask for: far above the largest published ELMo (dim 4096,
 * projection 512, 2 layers, 2048 filters of width ≤ 7, 2 highway layers), far below what would
 * exhaust memory before the weights are even read.
 */
export const ELMO_OPTION_LIMITS = {
  dim: 1 << 16,
  projectionDim: 1 << 14,
  layers: 16,
  charEmbeddingDim: 4096,
  filterKinds: 64,
  filterCount: 1 << 14,
  totalFilters: 1 << 16,
  highway: 16,
  maxCharacters: 1024,
  characters: 1 << 16,
  clip: 1e6,
} as const;

/** Parses and checks options.json, every field by type and range; `source` names the file in errors. */
export function parseElmoOptions(json: unknown, source = 'options.json'): ElmoOptions {
  const limits = ELMO_OPTION_LIMITS;
  const o = configObject(json, source, 'options.json (with "lstm" and "char_cnn")');
  const lstm = section(o, 'lstm', source)!;
  const cnn = section(o, 'char_cnn', source)!;
  const at = { lstm: { path: 'lstm' }, cnn: { path: 'char_cnn' } };
  const clip = (key: string) =>
    lstm[key] === undefined || lstm[key] === null ? lstm[key] as null | undefined : finiteNumber(lstm, key, { ...at.lstm, min: 0, max: limits.clip }, source);
  const parsedLstm: ElmoOptions['lstm'] = {
    ...lstm,
    dim: positiveInt(lstm, 'dim', { ...at.lstm, max: limits.dim }, source),
    projection_dim: positiveInt(lstm, 'projection_dim', { ...at.lstm, max: limits.projectionDim }, source),
    n_layers: positiveInt(lstm, 'n_layers', { ...at.lstm, max: limits.layers, default: 1 }, source),
    cell_clip: clip('cell_clip'),
    proj_clip: clip('proj_clip'),
    use_skip_connections: booleanField(lstm, 'use_skip_connections', { ...at.lstm, default: false }, source),
  };
  const embedding = section(cnn, 'embedding', source, at.cnn)!;
  const embeddingDim = positiveInt(embedding, 'dim', { path: 'char_cnn.embedding', max: limits.charEmbeddingDim }, source);
  const maxChars = positiveInt(cnn, 'max_characters_per_token', { ...at.cnn, max: limits.maxCharacters, default: 50 }, source);
  const filters = cnn.filters;
  const isPair = (f: unknown) =>
    Array.isArray(f) && f.length === 2 && f.every((v) => Number.isSafeInteger(v) && v > 0) && f[0] <= maxChars && f[1] <= limits.filterCount;
  if (!Array.isArray(filters) || filters.length === 0 || filters.length > limits.filterKinds || !filters.every(isPair)) {
    throw new Error(
      `${source}: char_cnn.filters must be a list of [width, count] pairs (at most ${limits.filterKinds}, ` +
        `width 1..max_characters_per_token = ${maxChars}, count 1..${limits.filterCount}) (got ${describeValue(filters)})`,
    );
  }
  const total = (filters as Array<[number, number]>).reduce((sum, [, n]) => sum + n, 0);
  if (total > limits.totalFilters) throw new Error(`${source}: char_cnn.filters add up to ${total} filters, more than ${limits.totalFilters}`);
  return {
    ...(o as Partial<ElmoOptions>),
    lstm: parsedLstm,
    char_cnn: {
      ...cnn,
      embedding: { ...embedding, dim: embeddingDim },
      filters: (filters as Array<[number, number]>).map(([w, n]) => [w, n]),
      activation: oneOf(cnn, 'activation', ['relu', 'tanh'] as const, { ...at.cnn, default: 'relu' }, source),
      n_highway: nonNegativeInt(cnn, 'n_highway', { ...at.cnn, max: limits.highway, default: 0 }, source),
      ...(cnn.n_characters === undefined ? {} : { n_characters: positiveInt(cnn, 'n_characters', { ...at.cnn, max: limits.characters }, source) }),
      max_characters_per_token: maxChars,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Weight names and shapes
// ---------------------------------------------------------------------------------------------

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

export interface ElmoWeightSpec {
  shape: number[];
  /** Which option implies this shape (for error messages). */
  from: string;
}

/** Number of raw character ids the char embedding covers (AllenNLP adds row 0 for masking on top). */
export const ELMO_CHAR_EMBED_ROWS = 261;

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

/** Deterministic stream in [0, 1) (the training library's `Rng`). */
export function elmoRandom(seed: number): () => number {
  const rng = new Rng(seed);
  return () => rng.next();
}

/**
 * Fresh weights with bilm-tf's initialisers (char embeddings U(-1, 1); CNN U(±0.05) for relu or
 * N(0, 1/(w·E)) for tanh; highways N(0, 1/F) with the carry bias at -2; projection N(0, 1/F); LSTM
 * kernels Glorot-uniform, biases 0; softmax N(0, 1/P)). Same seed, same weights.
 */
export function initElmoWeights(options: ElmoOptions, init: { seed?: number; vocabSize?: number } = {}): ElmoWeights {
  const random = elmoRandom(init.seed ?? 0);
  const weights: ElmoWeights = {};
  const uniform = (shape: number[], limit: number) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(size);
    for (let i = 0; i < size; i++) data[i] = (random() * 2 - 1) * limit;
    return tf.tensor(data, shape, 'float32');
  };
  const normal = (shape: number[], std: number) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(size);
    for (let i = 0; i < size; i++) {
      const u = Math.max(random(), 1e-12);
      data[i] = std * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
    }
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

// ---------------------------------------------------------------------------------------------
// Small differentiable helpers (tfjs-backend-wasm has no UnsortedSegmentSum, so gather's own
// gradient does not run there; these scatter the gradient back instead).
// ---------------------------------------------------------------------------------------------

type CustomGradient = Parameters<typeof tf.customGrad>[0];

/** An int32 scalar (plain numbers become float32 and would turn index arithmetic into floats). */
const int = (n: number) => tf.scalar(n, 'int32');

/**
 * tf.reverse_sequence on axis 1 of x [batch, time, ...]: each row's first lengths[b] steps reversed,
 * the rest (padding) left in place. It is its own inverse, which gives its gradient.
 */
function reverseSequence(x: tf.Tensor, lengths: tf.Tensor1D): tf.Tensor {
  return tf.tidy(() => {
    const [batch, time] = x.shape;
    const t = tf.reshape(tf.range(0, time, 1, 'int32'), [1, time]);
    const len = tf.reshape(tf.cast(lengths, 'int32'), [batch, 1]);
    const reversed = tf.sub(tf.sub(len, int(1)), t);
    const within = tf.less(t, len);
    const source = tf.where(within, reversed, tf.add(t, tf.zerosLike(len)));
    const flatIndex = tf.reshape(tf.add(source, tf.mul(tf.reshape(tf.range(0, batch, 1, 'int32'), [batch, 1]), int(time))), [-1]) as tf.Tensor1D;
    const flat = tf.reshape(x, [batch * time, -1]);
    const f = tf.customGrad(((v: tf.Tensor, save: tf.GradSaveFunc) => {
      save([flatIndex]);
      return {
        value: tf.gather(v, flatIndex),
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.gather(dy, saved[0]),
      };
    }) as CustomGradient);
    return tf.reshape(f(flat) as tf.Tensor, x.shape);
  });
}

/**
 * max over axis 1 of x [n, steps, c]. The gradient is shared equally among tied maxima, as TF's
 * reduce_max does (tfjs gives each tie the whole gradient, and padding windows tie all the time).
 */
function maxOverTime(x: tf.Tensor3D): tf.Tensor2D {
  const f = tf.customGrad(((v: tf.Tensor3D, save: tf.GradSaveFunc) => {
    const value = tf.max(v, 1);
    save([v, value]);
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        tf.tidy(() => {
          const [input, max] = saved;
          const ties = tf.cast(tf.equal(input, tf.expandDims(max, 1)), 'float32');
          return tf.mul(tf.div(ties, tf.sum(ties, 1, true)), tf.expandDims(dy, 1));
        }),
    };
  }) as CustomGradient);
  return f(x) as tf.Tensor2D;
}

/** [batch, time] float mask from lengths. */
function sequenceMask(lengths: tf.Tensor1D, time: number): tf.Tensor2D {
  return tf.tidy(() =>
    tf.cast(tf.less(tf.reshape(tf.range(0, time, 1, 'int32'), [1, time]), tf.reshape(lengths, [-1, 1])), 'float32'),
  ) as tf.Tensor2D;
}

// ---------------------------------------------------------------------------------------------
// Character encoder: char embedding → convolutions (max over time, then activation) → highways
// → projection. AllenNLP's _ElmoCharacterEncoder, bilm-tf's _build_word_char_embeddings.
// ---------------------------------------------------------------------------------------------

/** Tokens encoded per slice of the CNN (bounds the memory of the width×filters im2col matrices). */
const CNN_CHUNK_TOKENS = 512;

/**
 * Context-independent token vectors: charIds [..., max_characters_per_token] (AllenNLP ids, 0 =
 * masking) → [..., projection_dim].
 *
 * `wordChars`, when given, is the longest word in `charIds` counting its begin/end-of-word marks. Past
 * a word's end every window is pure padding and they all give the same value, so cutting the character
 * axis to wordChars + the widest filter keeps at least one such window and gives exactly the same
 * result for a fraction of the work (words are ~10 of the 50 positions).
 */
export function elmoTokenEmbedding(weights: ElmoWeights, options: ElmoOptions, charIds: tf.Tensor, wordChars?: number): tf.Tensor {
  return tf.tidy(() => {
    const cnn = options.char_cnn;
    const maxChars = cnn.max_characters_per_token;
    if (charIds.shape[charIds.rank - 1] !== maxChars) {
      throw new Error(
        `ELMo character ids have ${charIds.shape[charIds.rank - 1]} characters per word but options.json says max_characters_per_token = ${maxChars}`,
      );
    }
    const E = cnn.embedding.dim;
    const widest = Math.max(...cnn.filters.map(([w]) => w));
    const chars = wordChars ? Math.min(maxChars, Math.max(wordChars, 1) + widest) : maxChars;
    const ids = tf.slice(tf.reshape(tf.cast(charIds, 'int32'), [-1, maxChars]), [0, 0], [-1, chars]);
    const nTokens = ids.shape[0];
    // Row 0 is the masking character (zeros), as AllenNLP and bilm-tf add it at load time.
    const table = tf.concat([tf.zeros([1, E]), weights[elmoNames.charEmbed]], 0);
    const activation = cnn.activation === 'tanh' ? tf.tanh : tf.relu;
    const pieces: tf.Tensor[] = [];
    for (let start = 0; start < nTokens; start += CNN_CHUNK_TOKENS) {
      const n = Math.min(CNN_CHUNK_TOKENS, nTokens - start);
      const chunkIds = tf.reshape(tf.slice(ids, [start, 0], [n, chars]), [-1]) as tf.Tensor1D;
      const emb = tf.reshape(gatherRows(table, chunkIds), [n, chars, E]);
      const convs = cnn.filters.map(([width, count], i) => {
        // A 'valid' 1-D convolution as one matmul: stack the `width` shifted windows (im2col).
        const steps = chars - width + 1;
        const windows =
          width === 1 ? emb : tf.concat(Array.from({ length: width }, (_, k) => tf.slice(emb, [0, k, 0], [n, steps, E])), 2);
        const kernel = tf.reshape(weights[elmoNames.cnnWeight(i)], [width * E, count]);
        const convolved = tf.reshape(dense(tf.reshape(windows, [n * steps, width * E]), kernel), [n, steps, count]);
        // bias, max over time, then the activation (adding the bias after the max is the same number)
        return activation(tf.add(maxOverTime(convolved as tf.Tensor3D), weights[elmoNames.cnnBias(i)]));
      });
      let x = convs.length === 1 ? convs[0] : tf.concat(convs, 1);
      for (let k = 0; k < cnn.n_highway; k++) {
        const carry = tf.sigmoid(tf.add(dense(x, weights[elmoNames.highway(k, 'W_carry')]), weights[elmoNames.highway(k, 'b_carry')]));
        const transform = tf.relu(
          tf.add(dense(x, weights[elmoNames.highway(k, 'W_transform')]), weights[elmoNames.highway(k, 'b_transform')]),
        );
        x = tf.add(tf.mul(carry, transform), tf.mul(tf.sub(1, carry), x));
      }
      if (weights[elmoNames.projWeight]) {
        x = tf.add(dense(x, weights[elmoNames.projWeight]), weights[elmoNames.projBias]);
      }
      pieces.push(x);
    }
    const out = pieces.length === 1 ? pieces[0] : tf.concat(pieces, 0);
    return tf.reshape(out, [...charIds.shape.slice(0, -1), out.shape[1] as number]);
  });
}

// ---------------------------------------------------------------------------------------------
// The biLM. The backward direction works on each sentence reversed within its own length (bilm-tf's
// reverse_sequence), so both directions are plain left-to-right LSTMs with the padding at the end,
// and a padded step can never reach a real one. (Each direction keeps its own 2-D matmuls: the wasm
// backend's batched matmul is far slower than XNNPACK's 2-D path.)
// ---------------------------------------------------------------------------------------------

/** One LstmCellWithProjection layer over x [B, T, in] from a zero state → [B, T, P]. */
function lstmLayer(
  x: tf.Tensor3D,
  kernel: tf.Tensor2D, // [in + P, 4C], gates i, j, f, o
  bias: tf.Tensor1D, // [4C], forget bias already added
  projection: tf.Tensor2D | undefined, // [C, P]
  cellClip: number | null | undefined,
  projClip: number | null | undefined,
): tf.Tensor3D {
  return tf.tidy(() => {
    const [batch, time, inSize] = x.shape;
    const fourC = kernel.shape[1];
    const C = fourC / 4;
    const P = projection ? projection.shape[1] : C;
    const inputKernel = tf.slice(kernel, [0, 0], [inSize, fourC]);
    const stateKernel = tf.slice(kernel, [inSize, 0], [P, fourC]);
    // The input half of every gate for all steps in one matmul, then split by time.
    const projected = tf.add(dense(tf.reshape(x, [batch * time, inSize]), inputKernel), bias);
    const steps = tf.unstack(tf.transpose(tf.reshape(projected, [batch, time, fourC]), [1, 0, 2]));
    projected.dispose();
    let h: tf.Tensor = tf.zeros([batch, P]);
    let c: tf.Tensor = tf.zeros([batch, C]);
    const outputs: tf.Tensor[] = [];
    for (let t = 0; t < time; t++) {
      const [hNext, cNext] = tf.tidy(() => {
        const gates = tf.add(steps[t], dense(h, stateKernel));
        const [i, j, f, o] = tf.split(gates, 4, 1);
        let memory = tf.add(tf.mul(tf.sigmoid(f), c), tf.mul(tf.sigmoid(i), tf.tanh(j)));
        if (cellClip) memory = tf.clipByValue(memory, -cellClip, cellClip);
        let state = tf.mul(tf.sigmoid(o), tf.tanh(memory));
        // TF clips the projected state only when there is a projection.
        if (projection) {
          state = dense(state, projection);
          if (projClip) state = tf.clipByValue(state, -projClip, projClip);
        }
        return [state, memory];
      });
      steps[t].dispose();
      c.dispose();
      if (t === 0) h.dispose();
      outputs.push(hNext);
      h = hNext;
      c = cNext;
    }
    return tf.stack(outputs, 1) as tf.Tensor3D;
  });
}

export interface ElmoRunOptions {
  /**
   * The longest word in the char ids, counting its begin/end-of-word marks (batchToElmoCharIds gives
   * it). Lets the char CNN skip the all-padding tail of the 50 characters; the result is the same.
   */
  wordChars?: number;
}

export interface ElmoBiLmOutputs {
  /** Token vectors [batch, time, P] (sentence boundaries included). */
  tokenEmbedding: tf.Tensor3D;
  /** Per LSTM layer [2, batch, time, P]: [0] forward, [1] backward in reversed-within-length order. */
  directional: tf.Tensor4D[];
  /** [batch] sentence lengths (boundaries included). */
  lengths: tf.Tensor1D;
}

/**
 * The biLM over character ids that already hold `<S>`/`</S>` (see addSentenceBoundaries), from a zero
 * state. Outputs at padded steps are zero.
 */
export function elmoBiLm(
  weights: ElmoWeights,
  options: ElmoOptions,
  charIds: tf.Tensor3D,
  lengths: tf.Tensor1D,
  run: ElmoRunOptions = {},
): ElmoBiLmOutputs {
  return tf.tidy(() => {
    const { lstm } = options;
    const time = charIds.shape[1];
    // <S> and </S> are 3 characters long with their marks.
    const wordChars = run.wordChars ? Math.max(run.wordChars, 3) : undefined;
    const tokenEmbedding = elmoTokenEmbedding(weights, options, charIds, wordChars) as tf.Tensor3D;
    const mask = tf.expandDims(sequenceMask(lengths, time), 2);
    const forgetBias = tf.concat([tf.zeros([2 * lstm.dim]), tf.ones([lstm.dim]), tf.zeros([lstm.dim])]);
    // inputs[0]: forward order; inputs[1]: each sentence reversed within its length.
    let inputs: tf.Tensor3D[] = [tokenEmbedding, reverseSequence(tokenEmbedding, lengths) as tf.Tensor3D];
    const directional: tf.Tensor4D[] = [];
    for (let layer = 0; layer < lstm.n_layers; layer++) {
      const outputs = inputs.map((input, direction) => {
        const weight = (part: 'W_0' | 'B' | 'W_P_0') => weights[elmoNames.lstm(direction, layer, part)];
        if (!weight('W_0') || !weight('B')) throw new Error(`ELMo weights lack ${elmoNames.lstm(direction, layer, 'W_0')} or its B`);
        let output: tf.Tensor = lstmLayer(
          input,
          weight('W_0') as tf.Tensor2D,
          tf.add(weight('B'), forgetBias) as tf.Tensor1D,
          weight('W_P_0') as tf.Tensor2D | undefined,
          lstm.cell_clip,
          lstm.proj_clip,
        );
        // Residual connection between layers, never into the first one.
        if (lstm.use_skip_connections && layer > 0) output = tf.add(output, input);
        return tf.mul(output, mask) as tf.Tensor3D;
      });
      directional.push(tf.stack(outputs) as tf.Tensor4D);
      inputs = outputs;
    }
    return { tokenEmbedding, directional, lengths: tf.clone(lengths) };
  });
}

/**
 * AllenNLP's add_sentence_boundary_token_ids: charIds [B, T, 50] (words left-aligned, `mask` [B, T])
 * → [B, T + 2, 50] with `<S>` first and `</S>` right after each sentence's last word, plus the new lengths.
 */
export function addSentenceBoundaries(charIds: tf.Tensor3D, mask: tf.Tensor2D): { charIds: tf.Tensor3D; lengths: tf.Tensor1D } {
  return tf.tidy(() => {
    const [batch, time, chars] = charIds.shape;
    const m = tf.cast(mask, 'int32');
    const lengths = tf.sum(m, 1) as tf.Tensor1D;
    const words = tf.pad(tf.mul(tf.cast(charIds, 'int32'), tf.reshape(m, [batch, time, 1])), [[0, 0], [1, 1], [0, 0]]);
    const position = tf.reshape(tf.range(0, time + 2, 1, 'int32'), [1, time + 2, 1]);
    const isBos = tf.cast(tf.equal(position, int(0)), 'int32');
    const isEos = tf.cast(tf.equal(position, tf.reshape(tf.add(lengths, int(1)), [batch, 1, 1])), 'int32');
    const plus1 = (ids: readonly number[]) => tf.tensor3d(ids.map((c) => c + 1), [1, 1, chars], 'int32');
    const withBoundaries = tf.add(
      tf.add(words, tf.mul(isBos, plus1(ELMoCharacterMapper.beginningOfSentenceCharacters))),
      tf.mul(isEos, plus1(ELMoCharacterMapper.endOfSentenceCharacters)),
    ) as tf.Tensor3D;
    return { charIds: withBoundaries, lengths: tf.add(lengths, int(2)) as tf.Tensor1D };
  });
}

export interface ElmoOutputs {
  /**
   * n_layers + 1 tensors [batch, time, 2 * projection_dim]: the token layer duplicated to both halves,
   * then each biLSTM layer as [forward; backward]. Zero at padded words; no `<S>`/`</S>`.
   */
  layers: tf.Tensor3D[];
  /** [batch, time] float32, 1 for words. */
  mask: tf.Tensor2D;
}

/**
 * The pure forward function: charIds [batch, time, 50] (AllenNLP ids from batchToElmoCharIds, words
 * left-aligned, all-zero rows for padding) and an optional mask [batch, time] (derived from the ids
 * when absent). Sentence boundaries are added and removed here, as AllenNLP's Elmo does.
 */
export function elmoForward(
  weights: ElmoWeights,
  options: ElmoOptions,
  charIds: tf.Tensor3D,
  mask?: tf.Tensor2D,
  run: ElmoRunOptions = {},
): ElmoOutputs {
  return tf.tidy(() => {
    const [batch, time] = charIds.shape;
    const wordMask = (mask ? tf.cast(mask, 'float32') : tf.cast(tf.any(tf.greater(charIds, 0), 2), 'float32')) as tf.Tensor2D;
    const bounded = addSentenceBoundaries(charIds, wordMask);
    const bilm = elmoBiLm(weights, options, bounded.charIds, bounded.lengths, run);
    const keep = tf.reshape(wordMask, [batch, time, 1]);
    // Drop <S> (index 0) and everything from </S> on (masked to zero).
    const strip = (x: tf.Tensor) => tf.mul(tf.slice(x, [0, 1, 0], [batch, time, -1]), keep) as tf.Tensor3D;
    const token = strip(bilm.tokenEmbedding);
    const layers: tf.Tensor3D[] = [tf.concat([token, token], 2)];
    for (const out of bilm.directional) {
      const [forward, backwardReversed] = tf.unstack(out);
      const backward = reverseSequence(backwardReversed, bilm.lengths);
      layers.push(strip(tf.concat([forward, backward], 2)));
    }
    return { layers, mask: wordMask };
  });
}

// ---------------------------------------------------------------------------------------------
// ScalarMix: gamma * sum_k softmax(s)_k * layer_k (optionally layer-normalising each layer over the
// unmasked values, as AllenNLP's do_layer_norm).
// ---------------------------------------------------------------------------------------------

export function scalarMix(
  layers: tf.Tensor[],
  scalarParameters: tf.Tensor,
  gamma: tf.Tensor,
  options: { mask?: tf.Tensor; doLayerNorm?: boolean } = {},
): tf.Tensor {
  if (layers.length !== scalarParameters.size) {
    throw new Error(`ScalarMix has ${scalarParameters.size} weights but got ${layers.length} layers`);
  }
  return tf.tidy(() => {
    const weights = tf.unstack(tf.softmax(tf.reshape(scalarParameters, [-1])));
    let norm = (x: tf.Tensor) => x;
    if (options.doLayerNorm) {
      if (!options.mask) throw new Error('ScalarMix with doLayerNorm needs the mask');
      const mask = tf.expandDims(tf.cast(options.mask, 'float32'), -1);
      const count = tf.mul(tf.sum(mask), layers[0].shape[layers[0].rank - 1]);
      norm = (x: tf.Tensor) => {
        const masked = tf.mul(x, mask);
        const mean = tf.div(tf.sum(masked), count);
        const variance = tf.div(tf.sum(tf.square(tf.mul(tf.sub(masked, mean), mask))), count);
        return tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-13)));
      };
    }
    const pieces = layers.map((layer, k) => tf.mul(weights[k], norm(layer)));
    return tf.mul(gamma, pieces.length === 1 ? pieces[0] : tf.addN(pieces));
  });
}

/** A trainable ScalarMix (AllenNLP's): scalar parameters start at 0 (equal weights), gamma at 1. */
export class ScalarMix {
  readonly scalarParameters: tf.Variable;
  readonly gamma: tf.Variable;
  readonly doLayerNorm: boolean;

  constructor(
    readonly mixtureSize: number,
    options: { doLayerNorm?: boolean; initialScalarParameters?: number[]; trainable?: boolean; name?: string } = {},
  ) {
    const initial = options.initialScalarParameters ?? new Array<number>(mixtureSize).fill(0);
    if (initial.length !== mixtureSize) {
      throw new Error(`ScalarMix: ${initial.length} initial parameters for ${mixtureSize} layers`);
    }
    const trainable = options.trainable ?? true;
    const name = options.name ?? `scalar_mix_${ScalarMix.count++}`;
    this.scalarParameters = tf.variable(tf.tensor1d(initial), trainable, `${name}/scalar_parameters`);
    this.gamma = tf.variable(tf.scalar(1), trainable, `${name}/gamma`);
    this.doLayerNorm = options.doLayerNorm ?? false;
  }

  private static count = 0;

  apply(layers: tf.Tensor[], mask?: tf.Tensor): tf.Tensor {
    return scalarMix(layers, this.scalarParameters, this.gamma, { mask, doLayerNorm: this.doLayerNorm });
  }

  /** The normalised layer weights (softmax of the scalar parameters) and gamma. */
  values(): { weights: number[]; gamma: number } {
    const weights = tf.tidy(() => tf.softmax(this.scalarParameters as tf.Tensor1D).arraySync() as number[]);
    return { weights, gamma: this.gamma.arraySync() as number };
  }

  variables(): tf.Variable[] {
    return [this.scalarParameters, this.gamma];
  }

  dispose(): void {
    this.scalarParameters.dispose();
    this.gamma.dispose();
  }
}

// ---------------------------------------------------------------------------------------------
// The biLM training objective: the forward LM predicts the next word, the backward LM the previous
// one, each from its half of the top layer, through one softmax over a word vocabulary shared by both
// directions (bilm-tf). Loss = (forward mean + backward mean) / 2 in nats per word.
// ---------------------------------------------------------------------------------------------

export interface ElmoLmBatch {
  /** [batch, time, 50] ids of the words (no `<S>`/`</S>`), from batchToElmoCharIds. */
  charIds: tf.Tensor3D;
  /** The vocabulary ids of the same words, one list per sentence. */
  wordIds: number[][];
  /** batchToElmoCharIds's wordChars: makes the char CNN cheaper, same result. */
  wordChars?: number;
}

export interface ElmoLmLossOptions {
  /** Vocabulary ids of `<S>` and `</S>` (the backward LM's last target, the forward LM's). */
  bosId: number;
  eosId: number;
  /** 'full' (default) or TF's sampled softmax with a log-uniform sampler (vocabulary sorted by frequency). */
  softmax?: 'full' | 'sampled';
  /** Negative samples per batch for 'sampled' (bilm-tf's n_negative_samples_batch; default 8192). */
  numSampled?: number;
  /** Seeds the negative samples (pass e.g. the step number for reproducible runs); random when absent. */
  seed?: number;
}

/**
 * Samples `count` distinct ids from TF's log-uniform (Zipfian) distribution over [0, range) and
 * returns them with the expected counts TF's unique sampler reports (-expm1(tries * log1p(-p))).
 */
export function logUniformSample(
  count: number,
  range: number,
  random: () => number,
): { sampled: number[]; expectedCount: (id: number) => number } {
  const logRange = Math.log(range + 1);
  const probability = (id: number) => (Math.log(id + 2) - Math.log(id + 1)) / logRange;
  const seen = new Set<number>();
  const sampled: number[] = [];
  let tries = 0;
  while (sampled.length < count) {
    tries++;
    const id = Math.min(range - 1, Math.floor(Math.exp(random() * logRange)) - 1);
    if (!seen.has(id)) {
      seen.add(id);
      sampled.push(id);
    }
  }
  const expectedCount = (id: number) => -Math.expm1(tries * Math.log1p(-probability(id)));
  return { sampled, expectedCount };
}

export function elmoLmLoss(weights: ElmoWeights, options: ElmoOptions, batch: ElmoLmBatch, loss: ElmoLmLossOptions): tf.Scalar {
  const softmaxW = weights[elmoNames.softmaxWeight];
  const softmaxB = weights[elmoNames.softmaxBias];
  if (!softmaxW || !softmaxB) {
    throw new Error(
      `elmoLmLoss needs "${elmoNames.softmaxWeight}" [vocab, ${options.lstm.projection_dim}] and "${elmoNames.softmaxBias}" [vocab] (initElmoWeights(options, { vocabSize }))`,
    );
  }
  const vocab = softmaxW.shape[0];
  const [batchSize, time] = batch.charIds.shape;
  if (batch.wordIds.length !== batchSize) {
    throw new Error(`elmoLmLoss: ${batch.wordIds.length} word-id lists for a batch of ${batchSize}`);
  }
  // Targets in each direction's own order: position t predicts position t + 1 of
  // [<S>, w1..wn, </S>] (forward) or of [</S>, wn..w1, <S>] (backward, reversed within the length).
  const bounded = time + 2;
  const rows: number[] = [];
  const targets: number[] = [];
  for (let d = 0; d < 2; d++) {
    batch.wordIds.forEach((ids, b) => {
      if (ids.length > time) throw new Error(`elmoLmLoss: sentence ${b} has ${ids.length} word ids but the char ids hold ${time} words`);
      for (const id of ids) {
        if (!Number.isInteger(id) || id < 0 || id >= vocab) throw new Error(`elmoLmLoss: word id ${id} outside the softmax vocabulary of ${vocab}`);
      }
      const sequence = d === 0 ? [loss.bosId, ...ids, loss.eosId] : [loss.eosId, ...[...ids].reverse(), loss.bosId];
      for (let t = 0; t + 1 < sequence.length; t++) {
        rows.push((d * batchSize + b) * bounded + t);
        targets.push(sequence[t + 1]);
      }
    });
  }
  const numSampled = Math.min(loss.numSampled ?? 8192, vocab);
  const sampled = loss.softmax === 'sampled' && numSampled < vocab;
  return tf.tidy(() => {
    const lengths = batch.wordIds.map((ids) => ids.length);
    const mask = sequenceMask(tf.tensor1d(lengths, 'int32'), time);
    const withBoundaries = addSentenceBoundaries(batch.charIds, mask);
    const bilm = elmoBiLm(weights, options, withBoundaries.charIds, withBoundaries.lengths, { wordChars: batch.wordChars });
    const top = bilm.directional[bilm.directional.length - 1];
    const P = top.shape[3];
    const hidden = gatherRows(tf.reshape(top, [-1, P]), tf.tensor1d(rows, 'int32')) as tf.Tensor2D;
    const targetIds = tf.tensor1d(targets, 'int32');
    let perWord: tf.Tensor;
    if (!sampled) {
      const logits = dense(hidden, tf.transpose(softmaxW) as tf.Tensor2D, softmaxB);
      perWord = tf.neg(tf.sum(tf.mul(tf.logSoftmax(logits), tf.oneHot(targetIds, vocab)), 1));
    } else {
      const random = elmoRandom(loss.seed ?? Math.floor(Math.random() * 2 ** 32));
      const { sampled: negatives, expectedCount } = logUniformSample(numSampled, vocab, random);
      const trueW = gatherRows(softmaxW, targetIds);
      const trueB = gatherRows(tf.reshape(softmaxB, [-1, 1]), targetIds);
      const trueLogits = tf.sub(
        tf.add(tf.sum(tf.mul(hidden, trueW), 1, true), trueB),
        tf.tensor2d(targets.map((id) => Math.log(expectedCount(id))), [targets.length, 1]),
      );
      const negativeIds = tf.tensor1d(negatives, 'int32');
      const negW = gatherRows(softmaxW, negativeIds);
      const negB = tf.reshape(gatherRows(tf.reshape(softmaxB, [-1, 1]), negativeIds), [1, -1]);
      // Remove accidental hits: a sample that is the row's own target does not count as a negative.
      const hits = new Float32Array(targets.length * negatives.length);
      const position = new Map(negatives.map((id, j) => [id, j]));
      targets.forEach((id, i) => {
        const j = position.get(id);
        if (j !== undefined) hits[i * negatives.length + j] = -1e9;
      });
      const negLogits = tf.add(
        tf.add(dense(hidden, tf.transpose(negW) as tf.Tensor2D), tf.sub(negB, tf.tensor2d([negatives.map((id) => Math.log(expectedCount(id)))]))),
        tf.tensor2d(hits, [targets.length, negatives.length]),
      );
      const logits = tf.concat([trueLogits, negLogits], 1);
      perWord = tf.neg(tf.reshape(tf.slice(tf.logSoftmax(logits), [0, 0], [-1, 1]), [-1]));
    }
    // Both directions have the same number of targets, so the mean over all is the mean of the two means.
    return tf.mean(perWord) as tf.Scalar;
  });
}

// ---------------------------------------------------------------------------------------------
// ElmoModel: words or text in, per-word vectors of every layer out (the ContextualEmbedder used by the
// notebooks), plus any number of trainable ScalarMixes.
// ---------------------------------------------------------------------------------------------

export interface ElmoModelOptions {
  /** ScalarMixes to create (AllenNLP's num_output_representations). */
  numOutputRepresentations?: number;
  doLayerNorm?: boolean;
}

export interface ElmoRepresentations {
  /** One [batch, time, 2P] tensor per ScalarMix. */
  representations: tf.Tensor3D[];
  mask: tf.Tensor2D;
}

export class ElmoModel implements LanguageModel {
  readonly family = 'elmo' as const;
  readonly objective = 'bilm' as const;
  /** Inputs may be pre-split words; texts are split by BERT's basic tokenizer. */
  readonly takesWords = true;
  /** Characters feed a convolution and the LSTMs run any length: no limit in tokens. */
  readonly maxLength = Number.POSITIVE_INFINITY;
  readonly mapper = new ELMoCharacterMapper();
  readonly scalarMixes: ScalarMix[] = [];
  readonly options: ElmoOptions;

  constructor(
    options: ElmoOptions,
    readonly weights: ElmoWeights,
    modelOptions: ElmoModelOptions = {},
  ) {
    this.options = parseElmoOptions(options);
    checkElmoWeights(weights, this.options);
    for (let k = 0; k < (modelOptions.numOutputRepresentations ?? 0); k++) {
      this.addScalarMix({ doLayerNorm: modelOptions.doLayerNorm });
    }
  }

  get numLayers(): number {
    return this.options.lstm.n_layers + 1;
  }

  get dim(): number {
    return 2 * this.options.lstm.projection_dim;
  }

  get parameterCount(): number {
    return Object.values(this.weights).reduce((n, t) => n + t.size, 0);
  }

  addScalarMix(options: { doLayerNorm?: boolean; initialScalarParameters?: number[]; trainable?: boolean } = {}): ScalarMix {
    const mix = new ScalarMix(this.numLayers, { ...options, name: `elmo/scalar_mix_${this.scalarMixes.length}` });
    this.scalarMixes.push(mix);
    return mix;
  }

  /** Character ids and mask of pre-tokenised sentences (padded to the longest). */
  charIds(sentences: string[][]): { charIds: tf.Tensor3D; mask: tf.Tensor2D; wordChars: number } {
    const { ids, shape, lengths, wordChars } = batchToElmoCharIds(sentences, this.mapper);
    const mask = new Float32Array(shape[0] * shape[1]);
    lengths.forEach((n, b) => mask.fill(1, b * shape[1], b * shape[1] + n));
    return { charIds: tf.tensor3d(ids, shape, 'int32'), mask: tf.tensor2d(mask, [shape[0], shape[1]]), wordChars };
  }

  /** All layers for a batch of pre-tokenised sentences. Dispose the result. */
  run(sentences: string[][]): ElmoOutputs {
    const { charIds, mask, wordChars } = this.charIds(sentences);
    try {
      return elmoForward(this.weights, this.options, charIds, mask, { wordChars });
    } finally {
      charIds.dispose();
      mask.dispose();
    }
  }

  /** Each ScalarMix applied to the layers (AllenNLP's elmo_representations, without dropout). */
  representations(sentences: string[][]): ElmoRepresentations {
    if (this.scalarMixes.length === 0) throw new Error('ElmoModel has no ScalarMix (pass numOutputRepresentations or call addScalarMix)');
    const { layers, mask } = this.run(sentences);
    const representations = this.scalarMixes.map((mix) => mix.apply(layers, mask) as tf.Tensor3D);
    tf.dispose(layers);
    return { representations, mask };
  }

  /** Words of a text with offsets (BERT's basic tokenizer, case kept). */
  splitWords(text: string): Array<{ text: string; start: number; end: number }> {
    return basicTokenize(text, { lowerCase: false });
  }

  async embed(inputs: Array<string | string[]>, options: EmbedOptions = {}): Promise<EmbeddedSentence[]> {
    const batchSize = Math.max(1, options.batchSize ?? 32);
    const prepared = inputs.map((input) => {
      if (typeof input === 'string') {
        const words = this.splitWords(input);
        return { text: input, words: words.map((w) => w.text), offsets: words.map((w) => [w.start, w.end] as const) };
      }
      return { text: input.join(' '), words: input, offsets: input.map(() => [-1, -1] as const) };
    });
    const results: EmbeddedSentence[] = [];
    for (let start = 0; start < prepared.length; start += batchSize) {
      const chunk = prepared.slice(start, start + batchSize);
      const nonEmpty = chunk.filter((s) => s.words.length > 0);
      let values: Float32Array[] = [];
      let time = 0;
      if (nonEmpty.length > 0) {
        const { layers } = this.run(nonEmpty.map((s) => s.words));
        time = layers[0].shape[1];
        values = await Promise.all(layers.map((l) => l.data() as Promise<Float32Array>));
        tf.dispose(layers);
      }
      const D = this.dim;
      let row = 0;
      for (const sentence of chunk) {
        if (sentence.words.length === 0) {
          results.push({ text: sentence.text, words: [] });
          continue;
        }
        const b = row++;
        const words: EmbeddedWord[] = sentence.words.map((word, t) => ({
          word,
          start: sentence.offsets[t][0],
          end: sentence.offsets[t][1],
          layers: values.map((v) => v.slice((b * time + t) * D, (b * time + t + 1) * D)),
        }));
        results.push({ text: sentence.text, words });
      }
    }
    return results;
  }

  /** Per input its words, their offsets and every layer ([layers][words][2·dim]; the top one only without allLayers). */
  async features(inputs: ModelInput[], options: FeatureOptions = {}): Promise<TokenFeatures[]> {
    const sentences = await this.embed(inputs, { batchSize: options.batchSize });
    return sentences.map((sentence) => {
      const layers = Array.from({ length: this.numLayers }, (_, l) => sentence.words.map((w) => Array.from(w.layers[l])));
      return {
        tokens: sentence.words.map((w) => w.word),
        offsets: sentence.words.map((w) => [w.start, w.end] as [number, number]),
        hiddenStates: options.allLayers ? layers : layers.slice(-1),
      };
    });
  }

  async lmLogits(): Promise<{ ids: number[]; tokens: string[]; logits: number[][] }> {
    throw new Error('lmLogits: an ELMo reads characters and predicts words with its own softmax, which is not loaded as an LM head here');
  }

  async fillMask(): Promise<FillMaskPrediction[][]> {
    throw unsupported(this.family, this.objective, 'fill-mask');
  }

  async generate(): Promise<Generation> {
    throw unsupported(this.family, this.objective, 'generate');
  }

  dispose(): void {
    tf.dispose(Object.values(this.weights));
    for (const mix of this.scalarMixes) mix.dispose();
  }
}
