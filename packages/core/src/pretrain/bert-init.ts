/**
 * Starting points for pretraining a BERT that differ from BERT's all-normal(0, 0.02) draw while
 * keeping its layout (so the result loads as any BertForPreTraining). Both target the same obstacle:
 * a small BERT sits for millions of tokens on the plateau where it predicts frequent tokens whatever
 * the context, until its attention learns to look at neighbouring positions.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BertConfig, BertWeights } from '../models/bert.js';
import { Rng } from '../train/rng.js';

/**
 * A position table of sines and cosines (Vaswani et al. 2017) with per-dimension standard deviation
 * `std`. Random positions give attention no shared notion of "the next token": each of the
 * max_position_embeddings pairs is learned on its own; with sinusoids a shift by one is one linear map
 * that every position shares.
 */
export function sinusoidalPositions(positions: number, hidden: number, std: number): tf.Tensor2D {
  const table = new Float32Array(positions * hidden);
  const amplitude = std * Math.SQRT2; // a sinusoid's standard deviation is its amplitude / √2
  for (let pos = 0; pos < positions; pos++) {
    for (let i = 0; i < hidden; i += 2) {
      const angle = pos / Math.pow(10000, i / hidden);
      table[pos * hidden + i] = amplitude * Math.sin(angle);
      if (i + 1 < hidden) table[pos * hidden + i + 1] = amplitude * Math.cos(angle);
    }
  }
  return tf.tensor2d(table, [positions, hidden]);
}

/** A random orthogonal d×d matrix (Gram–Schmidt on normal columns), row-major. */
function randomOrthogonal(d: number, rng: Rng): Float64Array {
  const q = new Float64Array(d * d);
  for (let c = 0; c < d; c++) {
    const v = Array.from({ length: d }, () => rng.normal());
    for (let prev = 0; prev < c; prev++) {
      let dot = 0;
      for (let r = 0; r < d; r++) dot += v[r] * q[r * d + prev];
      for (let r = 0; r < d; r++) v[r] -= dot * q[r * d + prev];
    }
    const norm = Math.hypot(...v);
    for (let r = 0; r < d; r++) q[r * d + c] = v[r] / norm;
  }
  return q;
}

/**
 * Mimetic initialisation (Trockman & Kolter 2023): attention weights drawn so that, per layer,
 * W_q·W_kᵀ ≈ β_qk·I and W_v·W_o ≈ −β_vo·I (plus the usual normal noise), the structure trained
 * attention layers show. Each head's query and key share an orthonormal basis of its own subspace
 * (the heads' subspaces together span the hidden size), so tokens start by attending to tokens like
 * themselves, and with sinusoidal positions to their neighbours, instead of to everything equally.
 * Weights are held [in, out] (x·W), as `initBertWeights` holds them.
 */
export function mimeticAttention(weights: BertWeights, config: BertConfig, seed: number, betaQk = 0.7, betaVo = 0.4): void {
  const d = config.hiddenSize;
  const rng = new Rng((seed ^ 0x5eed) >>> 0 || 1);
  const noise = () => rng.normal(config.initializerRange);
  for (let layer = 0; layer < config.numHiddenLayers; layer++) {
    const p = `encoder.layer.${layer}.attention.`;
    const basis = randomOrthogonal(d, rng);
    const mixing = randomOrthogonal(d, rng);
    const query = new Float32Array(d * d);
    const key = new Float32Array(d * d);
    const value = new Float32Array(d * d);
    const output = new Float32Array(d * d);
    const qk = Math.sqrt(betaQk);
    const vo = Math.sqrt(betaVo);
    for (let i = 0; i < d * d; i++) {
      query[i] = qk * basis[i] + noise();
      key[i] = qk * basis[i] + noise();
      value[i] = vo * mixing[i] + noise();
    }
    // output = −mixingᵀ, so that value·output = −β_vo·I.
    for (let r = 0; r < d; r++) for (let c = 0; c < d; c++) output[r * d + c] = -vo * mixing[c * d + r] + noise();
    for (const [name, data] of [['self.query.weight', query], ['self.key.weight', key], ['self.value.weight', value], ['output.dense.weight', output]] as const) {
      weights[p + name].dispose();
      weights[p + name] = tf.tensor2d(data, [d, d]);
    }
  }
}
