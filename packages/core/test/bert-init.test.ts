/** Pretraining's alternative starting points keep BERT's layout and have the structure they promise. */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../src/backend.js';
import { BERT_DEFAULTS, initBertWeights } from '../src/models/bert.js';
import { mimeticAttention, sinusoidalPositions } from '../src/pretrain/bert-init.js';

beforeAll(async () => {
  await initBackend('wasm');
});

describe('sinusoidalPositions', () => {
  it('is sin/cos at Vaswani et al.’s frequencies with the asked-for spread', () => {
    const table = sinusoidalPositions(64, 32, 0.02);
    const values = table.arraySync();
    const amplitude = 0.02 * Math.SQRT2;
    expect(values[0][0]).toBe(0);
    expect(values[0][1]).toBeCloseTo(amplitude, 7);
    expect(values[5][0]).toBeCloseTo(amplitude * Math.sin(5), 7);
    expect(values[5][3]).toBeCloseTo(amplitude * Math.cos(5 / Math.pow(10000, 2 / 32)), 7);
    // The highest frequencies spread like the normal draw they replace (std 0.02).
    const firstPair = values.flatMap((row) => [row[0], row[1]]);
    const std = Math.sqrt(firstPair.reduce((s, x) => s + x * x, 0) / firstPair.length);
    expect(std).toBeCloseTo(0.02, 3);
    table.dispose();
  });
});

describe('mimeticAttention', () => {
  it('draws W_q·W_kᵀ ≈ 0.7·I and W_v·W_o ≈ −0.4·I in every layer, and touches nothing else', () => {
    const config = { ...BERT_DEFAULTS, vocabSize: 50, hiddenSize: 32, numHiddenLayers: 2, numAttentionHeads: 2, intermediateSize: 64, maxPositionEmbeddings: 16 };
    const weights = initBertWeights(config, { pooler: true, mlm: true, nsp: true }, 7);
    const before = weights['encoder.layer.0.intermediate.dense.weight'];
    mimeticAttention(weights, config, 7);
    expect(weights['encoder.layer.0.intermediate.dense.weight']).toBe(before);
    for (const layer of [0, 1]) {
      const w = (name: string) => weights[`encoder.layer.${layer}.attention.${name}.weight`] as tf.Tensor2D;
      expect(w('self.query').shape).toEqual([32, 32]);
      const qk = tf.matMul(w('self.query'), w('self.key'), false, true).arraySync() as number[][];
      const vo = tf.matMul(w('self.value'), w('output.dense')).arraySync() as number[][];
      const diagonal = (m: number[][]) => m.reduce((s, row, i) => s + row[i], 0) / m.length;
      const offDiagonal = (m: number[][]) => Math.sqrt(m.reduce((s, row, i) => s + row.reduce((t, x, j) => t + (i === j ? 0 : x * x), 0), 0) / (m.length * (m.length - 1)));
      expect(diagonal(qk)).toBeCloseTo(0.7, 1);
      expect(diagonal(vo)).toBeCloseTo(-0.4, 1);
      // The noise around the identity is of the normal draw's order (0.02 per entry, summed over 32).
      expect(offDiagonal(qk)).toBeLessThan(0.1);
      expect(offDiagonal(vo)).toBeLessThan(0.1);
    }
    // Seeded: the same seed draws the same weights.
    const again = initBertWeights(config, { pooler: true, mlm: true, nsp: true }, 7);
    mimeticAttention(again, config, 7);
    expect(Array.from(again['encoder.layer.1.attention.self.key.weight'].dataSync())).toEqual(Array.from(weights['encoder.layer.1.attention.self.key.weight'].dataSync()));
    tf.dispose([...Object.values(weights), ...Object.values(again)]);
  });
});
