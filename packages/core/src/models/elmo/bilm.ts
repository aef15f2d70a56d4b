/**
 * The biLM. The backward direction works on each sentence reversed within its own length (bilm-tf's
 * reverse_sequence), so both directions are plain left-to-right LSTMs with the padding at the end,
 * and a padded step can never reach a real one. (Each direction keeps its own 2-D matmuls: the wasm
 * backend's batched matmul is far slower than XNNPACK's 2-D path.)
 *
 * Shapes: B batch, T time (words, `<S>`/`</S>` included inside the biLM), C memory cell size
 * (lstm.dim), P projection size (lstm.projection_dim).
 */
import * as tf from '@tensorflow/tfjs-core';
import { dense } from '../../ops/dense.js';
import { ELMoCharacterMapper } from '../../tokenize/elmo-chars.js';
import { elmoTokenEmbedding } from './char-encoder.js';
import type { ElmoOptions } from './options.js';
import { elmoNames, type ElmoWeights } from './weights.js';

// tfjs-backend-wasm has no UnsortedSegmentSum, so gather's own gradient does not run there;
// reverseSequence scatters the gradient back itself.
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

/** [batch, time] float mask from lengths. */
export function sequenceMask(lengths: tf.Tensor1D, time: number): tf.Tensor2D {
  return tf.tidy(() =>
    tf.cast(tf.less(tf.reshape(tf.range(0, time, 1, 'int32'), [1, time]), tf.reshape(lengths, [-1, 1])), 'float32'),
  ) as tf.Tensor2D;
}

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
    const inputKernel = tf.slice(kernel, [0, 0], [inSize, fourC]); // [in, 4C]
    const stateKernel = tf.slice(kernel, [inSize, 0], [P, fourC]); // [P, 4C]
    // The input half of every gate for all steps in one matmul, then split by time.
    const projected = tf.add(dense(tf.reshape(x, [batch * time, inSize]), inputKernel), bias); // [B·T, 4C]
    const steps = tf.unstack(tf.transpose(tf.reshape(projected, [batch, time, fourC]), [1, 0, 2])); // T × [B, 4C]
    projected.dispose();
    let h: tf.Tensor = tf.zeros([batch, P]); // [B, P]
    let c: tf.Tensor = tf.zeros([batch, C]); // [B, C]
    const outputs: tf.Tensor[] = [];
    for (let t = 0; t < time; t++) {
      const [hNext, cNext] = tf.tidy(() => {
        const gates = tf.add(steps[t], dense(h, stateKernel)); // [B, 4C]
        const [i, j, f, o] = tf.split(gates, 4, 1); // 4 × [B, C]: input, candidate, forget, output
        let memory = tf.add(tf.mul(tf.sigmoid(f), c), tf.mul(tf.sigmoid(i), tf.tanh(j))); // [B, C]
        if (cellClip) memory = tf.clipByValue(memory, -cellClip, cellClip);
        let state = tf.mul(tf.sigmoid(o), tf.tanh(memory)); // [B, C]
        // TF clips the projected state only when there is a projection.
        if (projection) {
          state = dense(state, projection); // [B, P]
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
    return tf.stack(outputs, 1) as tf.Tensor3D; // [B, T, P]
  });
}

interface ElmoRunOptions {
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
    const tokenEmbedding = elmoTokenEmbedding(weights, options, charIds, wordChars) as tf.Tensor3D; // [B, T, P]
    const mask = tf.expandDims(sequenceMask(lengths, time), 2); // [B, T, 1]
    const forgetBias = tf.concat([tf.zeros([2 * lstm.dim]), tf.ones([lstm.dim]), tf.zeros([lstm.dim])]); // [4C]
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
        return tf.mul(output, mask) as tf.Tensor3D; // [B, T, P]
      });
      directional.push(tf.stack(outputs) as tf.Tensor4D); // [2, B, T, P]
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
    return { layers: wordLayers(bilm, wordMask), mask: wordMask };
  });
}

/**
 * The biLM's outputs as ELMo's layers, one vector per word: the token layer (doubled to 2P), then
 * each LSTM layer's forward and backward halves side by side, both in word order, without
 * `<S>`/`</S>`; zero at padding. `wordMask` [batch, time] marks the words.
 */
export function wordLayers(bilm: ElmoBiLmOutputs, wordMask: tf.Tensor2D): tf.Tensor3D[] {
  return tf.tidy(() => {
    const [batch, time] = wordMask.shape;
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
    return layers;
  });
}
