/**
 * Character encoder: char embedding → convolutions (max over time, then activation) → highways
 * → projection. AllenNLP's _ElmoCharacterEncoder, bilm-tf's _build_word_char_embeddings.
 */
import * as tf from '@tensorflow/tfjs-core';
import { dense } from '../../ops/dense.js';
import { gatherRows } from '../../ops/gather-rows.js';
import type { ElmoOptions } from './options.js';
import { elmoNames, type ElmoWeights } from './weights.js';

type CustomGradient = Parameters<typeof tf.customGrad>[0];

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
          // 1 where the input is the maximum, else 0: max − input is 0 there and positive elsewhere.
          // (tf.equal + tf.cast is the same mask, but tfjs-wasm broadcasts comparisons 250× slower
          // than arithmetic: 72 ms against 0.3 ms on [512, 9, 128], a fifth of an ELMo training step.)
          const ties = tf.sub(1, tf.sign(tf.sub(tf.expandDims(max, 1), input)));
          return tf.mul(tf.div(ties, tf.sum(ties, 1, true)), tf.expandDims(dy, 1));
        }),
    };
  }) as CustomGradient);
  return f(x) as tf.Tensor2D;
}


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
