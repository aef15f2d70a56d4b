/** Shared-word batches and their loss (elmo-data.ts, elmo-distill.ts): groups of sentences around one word. */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../src/backend.js';
import '../src/train/gradients.js';
import { buildElmoVocabulary, sampleSharedWordBatch, sharedWordIndex, SHARED_WORD_GROUP } from '../src/pretrain/elmo-data.js';
import { sharedWordSimilarityLoss } from '../src/pretrain/elmo-distill.js';
import { Rng } from '../src/train/rng.js';

// 100 filler words more frequent than anything else (they fill the skipped top of the vocabulary),
// then "bank" in 10 sentences, "cup" in 5 (fewer than a group), "1984" and "." in 12 (not letters).
const FILLERS = Array.from({ length: 100 }, (_, i) => `f${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + Math.floor(i / 26))}`);
const CORPUS: string[][] = [
  ...Array.from({ length: 30 }, () => FILLERS),
  ...Array.from({ length: 10 }, (_, i) => [...FILLERS.slice(0, i), 'bank', ...FILLERS.slice(i, i + 12), 'bank']),
  ...Array.from({ length: 5 }, () => ['the', 'cup']),
  ...Array.from({ length: 12 }, () => ['1984', '.']),
];

/** Three unit vectors whose cosines (0,1), (0,2), (1,2) are the given ones (a Cholesky factor of their Gram matrix). */
function withCosines(c01: number, c02: number, c12: number): number[][] {
  const y1 = Math.sqrt(1 - c01 ** 2);
  const y2 = (c12 - c01 * c02) / y1;
  return [
    [1, 0, 0],
    [c01, y1, 0],
    [c02, y2, Math.sqrt(1 - c02 ** 2 - y2 ** 2)],
  ];
}

beforeAll(async () => {
  await initBackend('wasm');
});

describe('sharedWordIndex', () => {
  it('keeps the words past the 100 most frequent that are letters and in at least a group of sentences, once per sentence', () => {
    const index = sharedWordIndex(CORPUS, buildElmoVocabulary(CORPUS, 200));
    expect(index.words).toEqual(['bank']);
    expect(index.uses[0]).toEqual(Array.from({ length: 10 }, (_, i) => [30 + i, i]));
    expect(index.cumulative[0]).toBeCloseTo(Math.sqrt(10), 10);
  });

  it('says so when no word qualifies', () => {
    const small = CORPUS.slice(0, 35);
    expect(() => sharedWordIndex(small, buildElmoVocabulary(small, 200))).toThrow(/no word outside the 100 most frequent occurs in 8 sentences/);
  });
});

describe('sampleSharedWordBatch', () => {
  const vocabulary = buildElmoVocabulary(CORPUS, 200);
  const index = sharedWordIndex(CORPUS, vocabulary);

  it('draws groups of different sentences around the word, windows that keep it, and the anchor rows', () => {
    const draw = () => sampleSharedWordBatch(CORPUS, vocabulary, index, new Rng(3), { batchSize: 2 * SHARED_WORD_GROUP, maxWords: 6 });
    const { batch, words, anchors, tokens } = draw();
    expect(words).toHaveLength(16);
    expect(batch.charIds.shape).toEqual([16, 6, 50]);
    const time = batch.charIds.shape[1];
    anchors.forEach((row, b) => {
      expect(Math.floor(row / time)).toBe(b);
      expect(words[b][row % time]).toBe('bank');
    });
    for (const group of [words.slice(0, 8), words.slice(8)]) expect(new Set(group.map((s) => s.join(' '))).size).toBe(8);
    expect(tokens).toBe(16 * 6);
    // The same stream draws the same batch (the resume contract).
    const again = draw();
    expect(again.words).toEqual(words);
    expect(again.batch.negativesSeed).toBe(batch.negativesSeed);
    tf.dispose([batch.charIds, again.batch.charIds]);
  });

  it('refuses a batch size that is not whole groups', () => {
    expect(() => sampleSharedWordBatch(CORPUS, vocabulary, index, new Rng(0), { batchSize: 12, maxWords: 6 })).toThrow(/--batch-size 12 is not a multiple of 8/);
  });
});

describe('sharedWordSimilarityLoss', () => {
  it("compares the student's and the teacher's cosines between uses within each group, each centred on its group's mean", () => {
    // One group of three uses (rows 0–2 of a 1 × 4 batch) and a fourth word that never counts.
    const student = tf.tensor3d([[[1, 0], [0, 1], [1, 1], [9, -9]]]);
    const targets = { vectors: tf.tensor3d([[[1, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1]]]), mask: tf.tensor2d([[1, 1, 1, 1]]), rows: [0, 1, 2, 3] };
    // Student cosines (0,1) 0, (0,2) and (1,2) 1/√2, mean √2/3; teacher 1, 0, 0, mean 1/3.
    const r = Math.SQRT1_2;
    const centredStudent = [0 - (2 * r) / 3, r - (2 * r) / 3, r - (2 * r) / 3];
    const centredTeacher = [2 / 3, -1 / 3, -1 / 3];
    const expected = centredStudent.reduce((sum, c, i) => sum + 2 * (c - centredTeacher[i]) ** 2, 0) / 6;
    expect(sharedWordSimilarityLoss(student, targets, [0, 1, 2], 3).dataSync()[0]).toBeCloseTo(expected, 5);
    // Cosines that differ from the teacher's by one level everywhere cost nothing: only which uses are closer counts.
    const level = (cosines: [number, number, number]) => tf.tensor3d([[...withCosines(...cosines), [0, 0, 0]]]);
    const lower = { ...targets, vectors: level([0.7, 0.4, 0.4]) };
    expect(sharedWordSimilarityLoss(level([0.5, 0.2, 0.2]), lower, [0, 1, 2], 3).dataSync()[0]).toBeCloseTo(0, 6);
    expect(sharedWordSimilarityLoss(level([0.2, 0.5, 0.2]), lower, [0, 1, 2], 3).dataSync()[0]).toBeGreaterThan(0.01);
    // A pair alone has nothing to compare: groups of two cost nothing.
    expect(sharedWordSimilarityLoss(student, targets, [0, 1, 2, 3], 2).dataSync()[0]).toBeCloseTo(0, 6);
    const [grad] = tf.grads((s: tf.Tensor) => sharedWordSimilarityLoss(s as tf.Tensor3D, targets, [0, 1, 2], 3))([student]);
    expect(Array.from(grad.dataSync()).slice(6, 8)).toEqual([0, 0]);
  });

  it('refuses an anchor the teacher has no vector for', () => {
    const targets = { vectors: tf.zeros([1, 3, 2]) as tf.Tensor3D, mask: tf.tensor2d([[1, 1, 0]]), rows: [0, 1] };
    expect(() => sharedWordSimilarityLoss(tf.ones([1, 3, 2]) as tf.Tensor3D, targets, [1, 2], 2)).toThrow(/no vector for anchor row 2/);
  });
});
