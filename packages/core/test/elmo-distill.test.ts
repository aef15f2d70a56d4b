/** The BERT teacher of ELMo's pretraining (elmo-distill.ts): word vectors found by offsets, and the cosine loss. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../src/backend.js';
import '../src/train/gradients.js';
import { saveBertCheckpoint } from '../src/checkpoint/model-folder.js';
import { BERT_DEFAULTS, bertForward, initBertWeights, type BertConfig } from '../src/models/bert.js';
import { BertWordTeacher, perDirectionSimilarityLoss, sameWordDistillationLoss, similarityDistillationLoss, wordDistillationLoss } from '../src/pretrain/elmo-distill.js';

const VOCAB = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'the', 'bank', 'river', 'cup', '##board', 'of', '.'];
let teacherDir: string;

beforeAll(async () => {
  await initBackend('wasm');
  teacherDir = mkdtempSync(join(tmpdir(), 'wb-elmo-distill-'));
  const config: BertConfig = { ...BERT_DEFAULTS, vocabSize: VOCAB.length, hiddenSize: 8, numHiddenLayers: 2, numAttentionHeads: 2, intermediateSize: 16, maxPositionEmbeddings: 8 };
  saveBertCheckpoint(teacherDir, { config, weights: initBertWeights(config, { pooler: true, mlm: true, nsp: true }, 7), vocab: VOCAB });
});

describe('BertWordTeacher', () => {
  it("gives each word the mean of its pieces at the chosen layer, laid out as ELMo's words, by offsets", () => {
    const teacher = BertWordTeacher.load(teacherDir, 1);
    expect([teacher.layer, teacher.hiddenSize]).toEqual([1, 8]);
    // "cupboard" is cup ##board; the second sentence is shorter than `time`.
    const { vectors, mask, rows } = teacher.wordVectors([['the', 'cupboard', 'of', 'the', 'bank'], ['river', '.']], 6);
    expect(vectors.shape).toEqual([2, 6, 8]);
    expect(Array.from(mask.dataSync())).toEqual([1, 1, 1, 1, 1, 0, 1, 1, 0, 0, 0, 0]);
    expect(rows).toEqual([0, 1, 2, 3, 4, 6, 7]);
    // By hand: [CLS] the cup ##board of the bank [SEP] and [CLS] river . [SEP] [PAD]…
    const checkpointIds = [
      [2, 5, 8, 9, 10, 5, 6, 3],
      [2, 7, 11, 3, 0, 0, 0, 0],
    ];
    const attention = checkpointIds.map((row) => row.map((id, t) => (t === 0 || id !== 0 ? 1 : 0)));
    const { hiddenStates } = bertForward((teacher as unknown as { weights: never }).weights, teacher.config, {
      inputIds: tf.tensor2d(checkpointIds, [2, 8], 'int32'),
      tokenTypeIds: tf.zeros([2, 8], 'int32') as tf.Tensor2D,
      attentionMask: tf.tensor2d(attention, [2, 8], 'int32'),
    });
    const states = hiddenStates[1].arraySync() as number[][][];
    const got = vectors.arraySync() as number[][][];
    const mean = (rows: number[][]) => rows[0].map((_, k) => rows.reduce((s, r) => s + r[k], 0) / rows.length);
    const expected: Array<[number, number, number[]]> = [
      [0, 0, states[0][1]],
      [0, 1, mean([states[0][2], states[0][3]])],
      [0, 2, states[0][4]],
      [0, 4, states[0][6]],
      [1, 0, states[1][1]],
      [1, 1, states[1][2]],
    ];
    for (const [b, w, want] of expected) want.forEach((v, k) => expect(got[b][w][k], `sentence ${b} word ${w}`).toBeCloseTo(v, 5));
    expect(got[0][5].every((v) => v === 0)).toBe(true);
    teacher.dispose();
  });

  it('cuts at its positions: words past them get no target', () => {
    const teacher = BertWordTeacher.load(teacherDir);
    expect(teacher.layer).toBe(2);
    // 8 positions: [CLS] + 6 words + [SEP]; the 7th and 8th words are cut off.
    const { mask } = teacher.wordVectors([['the', 'bank', 'of', 'the', 'river', '.', 'the', 'bank']], 8);
    expect(Array.from(mask.dataSync())).toEqual([1, 1, 1, 1, 1, 1, 0, 0]);
    teacher.dispose();
  });

  it('refuses a layer the teacher does not have', () => {
    expect(() => BertWordTeacher.load(teacherDir, 3)).toThrow(/--distill-layer 3: .* has layers 0 \(embeddings\) to 2/);
  });
});

describe('wordDistillationLoss', () => {
  it('is the mean of 1 − cos(student·W + b, teacher) over the marked words, with finite gradients at padding', () => {
    const student = tf.tensor3d([[[1, 0], [0, 2], [0, 0]]]); // the third word is padding
    const weight = tf.tensor2d([[1, 0, 0], [0, 1, 1]]);
    const bias = tf.tensor1d([0, 0, 0]);
    const targets = { vectors: tf.tensor3d([[[2, 0, 0], [0, 1, 0], [0, 0, 0]]]), mask: tf.tensor2d([[1, 1, 0]]), rows: [0, 1] };
    // Word 1: mapped [1, 0, 0] against [2, 0, 0] → cos 1. Word 2: mapped [0, 2, 2] against [0, 1, 0] → cos 1/√2.
    expect(wordDistillationLoss(student, { weight, bias }, targets).dataSync()[0]).toBeCloseTo((0 + (1 - Math.SQRT1_2)) / 2, 5);
    const grads = tf.grads((s: tf.Tensor, w: tf.Tensor) => wordDistillationLoss(s as tf.Tensor3D, { weight: w as tf.Tensor2D, bias }, targets))([student, weight]);
    for (const g of grads) expect(Array.from(g.dataSync()).every(Number.isFinite)).toBe(true);
    expect(Array.from(grads[0].dataSync()).slice(4)).toEqual([0, 0]);
  });
});

describe('similarityDistillationLoss', () => {
  it("is the mean squared difference between the student's and the teacher's cosines over all pairs of marked words", () => {
    // Three marked words and one padding row; the student is 2 wide, the teacher 3.
    const student = tf.tensor3d([[[1, 0], [0, 1], [7, 7], [1, 1]]]);
    const targets = { vectors: tf.tensor3d([[[1, 0, 0], [1, 0, 0], [0, 0, 0], [0, 1, 0]]]), mask: tf.tensor2d([[1, 1, 0, 1]]), rows: [0, 1, 3] };
    // Student cosines: (w0, w1) 0, (w0, w3) and (w1, w3) 1/√2. Teacher: (w0, w1) 1, (w0, w3) and (w1, w3) 0.
    // The diagonals agree; each off-diagonal pair counts twice among the 9 entries.
    const expected = (2 * 1 + 4 * 0.5) / 9;
    expect(similarityDistillationLoss(student, targets).dataSync()[0]).toBeCloseTo(expected, 5);
    // The same student geometry at any scale costs the same; the padding row never counts.
    const scaled = tf.tensor3d([[[3, 0], [0, 3], [-5, 2], [2, 2]]]);
    expect(similarityDistillationLoss(scaled, targets).dataSync()[0]).toBeCloseTo(expected, 5);
    const [grad] = tf.grads((s: tf.Tensor) => similarityDistillationLoss(s as tf.Tensor3D, targets))([student]);
    expect(Array.from(grad.dataSync()).slice(4, 6)).toEqual([0, 0]);
  });
});

describe('perDirectionSimilarityLoss', () => {
  it("is the mean of the similarity loss on the forward half and on the backward half, not the loss on the whole", () => {
    // 4 wide: forward half [a, b], backward half [c, d]; three marked words and one padding row.
    const forward = [[1, 0], [0, 1], [7, 7], [1, 1]];
    const backward = [[1, 0], [1, 0.1], [7, 7], [0, 1]];
    const student = tf.tensor3d([forward.map((f, i) => [...f, ...backward[i]])]);
    const targets = { vectors: tf.tensor3d([[[1, 0, 0], [1, 0, 0], [0, 0, 0], [0, 1, 0]]]), mask: tf.tensor2d([[1, 1, 0, 1]]), rows: [0, 1, 3] };
    const halves = [forward, backward].map((half) => similarityDistillationLoss(tf.tensor3d([half]), targets).dataSync()[0]);
    const loss = perDirectionSimilarityLoss(student, targets).dataSync()[0];
    expect(loss).toBeCloseTo((halves[0] + halves[1]) / 2, 6);
    expect(Math.abs(loss - similarityDistillationLoss(student, targets).dataSync()[0])).toBeGreaterThan(0.01);
    const [grad] = tf.grads((s: tf.Tensor) => perDirectionSimilarityLoss(s as tf.Tensor3D, targets))([student]);
    expect(Array.from(grad.dataSync()).slice(8, 12)).toEqual([0, 0, 0, 0]);
  });
});

describe('sameWordDistillationLoss', () => {
  it("compares the student's and the teacher's cosines only between uses of one word (case folded), each word counting once", () => {
    const words = [['Bank', 'of', 'the', 'bank'], ['the', 'river']];
    // time 4: rows 0–3 are the first sentence, 4–5 the second, 6–7 padding.
    const student = tf.tensor3d([
      [[1, 0], [5, 5], [1, 1], [0, 1]],
      [[1, 0], [2, 3], [9, 9], [9, 9]],
    ]);
    const targets = {
      vectors: tf.tensor3d([
        [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 0, 0]],
        [[0, 0, 1], [1, 1, 0], [0, 0, 0], [0, 0, 0]],
      ]),
      mask: tf.tensor2d([[1, 1, 1, 1], [1, 1, 0, 0]]),
      rows: [0, 1, 2, 3, 4, 5],
    };
    // Bank/bank: student cos 0, teacher 1. the/the: student 1/√2, teacher 1. Half the weight each.
    const expected = 0.5 * 1 + 0.5 * (Math.SQRT1_2 - 1) ** 2;
    expect(sameWordDistillationLoss(student, targets, words).dataSync()[0]).toBeCloseTo(expected, 5);
    const [grad] = tf.grads((s: tf.Tensor) => sameWordDistillationLoss(s as tf.Tensor3D, targets, words))([student]);
    const g = grad.arraySync() as number[][][];
    // Only the four uses in pairs get a gradient: not "of", "river" or the padding.
    expect([g[0][1], g[1][1], g[1][2], g[1][3]].flat().every((v) => v === 0)).toBe(true);
    expect(g[0][0].some((v) => v !== 0) && g[1][0].some((v) => v !== 0)).toBe(true);
  });

  it('is 0 for a batch in which no word comes twice', () => {
    const targets = { vectors: tf.ones([1, 2, 3]) as tf.Tensor3D, mask: tf.ones([1, 2]) as tf.Tensor2D, rows: [0, 1] };
    expect(sameWordDistillationLoss(tf.ones([1, 2, 2]) as tf.Tensor3D, targets, [['a', 'b']]).dataSync()[0]).toBe(0);
  });
});
