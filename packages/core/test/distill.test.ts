/**
 * Distillation (Sanh et al. 2019) from the tiny-bert teacher: the student starts as every other
 * teacher layer and computes the teacher's embeddings exactly; a short run lowers the three losses,
 * writes a DistilBERT folder that `loadModel` reads, and resumes bit for bit.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, expect, it } from 'vitest';
import { describeShared, sharedPath } from '../../../test/support/shared.js';
import { initBackend } from '../src/backend.js';
import { loadBertCheckpoint, loadModel } from '../src/load.js';
import { bertForward } from '../src/models/bert.js';
import { distilbertAsBert } from '../src/models/distilbert.js';
import { distill, initStudentFromTeacher, studentConfig, type DistillSettings } from '../src/pretrain/distill.js';
import { batchTokenPositions, pairwiseSimilarityLoss, sameTokenPairs } from '../src/pretrain/same-token-pairs.js';
import { maxAbsDiff } from './support/numeric.js';

beforeAll(async () => {
  await initBackend('wasm');
});

it("pairs the uses of each token in a batch, skipping padding, special tokens and uses past the eighth, and weights each token once", () => {
  // Two rows of 6: [CLS] a b a [SEP] [PAD] / [CLS] b a [MASK] [MASK] [SEP]; CLS 1, SEP 2, MASK 3, PAD 0.
  const ids = Int32Array.from([1, 10, 11, 10, 2, 0, 1, 11, 10, 3, 3, 2]);
  const mask = Float32Array.from([1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1]);
  const pairs = sameTokenPairs(ids, mask, new Set([0, 1, 2, 3]));
  const listed = Array.from(pairs.left, (l, i) => [l, pairs.right[i]]);
  expect(listed).toEqual([[1, 3], [1, 8], [3, 8], [2, 7]]);
  // Each token counts once: the three pairs of `a` share half the weight, the one pair of `b` has the other half.
  expect(Array.from(pairs.weight, (w) => Number(w.toFixed(6)))).toEqual([0.166667, 0.166667, 0.166667, 0.5]);
  const many = sameTokenPairs(new Int32Array(20).fill(7), new Float32Array(20).fill(1), new Set());
  expect(many.left.length).toBe(28);
  expect(Math.max(...many.right)).toBe(7);
});

it('picks at most `max` real, non-special positions of a batch, evenly spaced, for the whole-batch similarity', () => {
  const ids = Int32Array.from([1, 10, 11, 12, 2, 0, 1, 13, 14, 15, 16, 2]);
  const mask = Float32Array.from([1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1]);
  const special = new Set([0, 1, 2, 3]);
  expect(Array.from(batchTokenPositions(ids, mask, special, 100))).toEqual([1, 2, 3, 7, 8, 9, 10]);
  expect(Array.from(batchTokenPositions(ids, mask, special, 3))).toEqual([1, 3, 8]);
});

it("whole-batch similarity: the mean over all pairs of the picked rows of (cos_student − cos_teacher)², 0 when the geometries agree", () => {
  const teacher = tf.tensor2d([[1, 0], [0, 1], [1, 1], [5, 5]]);
  const student = tf.tensor2d([[1, 0], [1, 0], [2, 2], [9, 9]]);
  // Rows 0 and 1 are orthogonal for the teacher and parallel for the student; the loss counts every ordered pair, the diagonal too.
  const unit = (v: number[]) => v.map((x) => x / Math.hypot(...v));
  const cos = (a: number[], b: number[]) => unit(a).reduce((s, x, i) => s + x * unit(b)[i], 0);
  const [t, s] = [teacher.arraySync(), student.arraySync()];
  const rows = [0, 1, 2];
  let expected = 0;
  for (const i of rows) for (const j of rows) expected += (cos(s[i], s[j]) - cos(t[i], t[j])) ** 2 / rows.length ** 2;
  expect(expected).toBeGreaterThan(0.1);
  expect(pairwiseSimilarityLoss(student, teacher, rows).dataSync()[0]).toBeCloseTo(expected, 6);
  // Rows 2 and 3 point the same way in both: nothing to learn.
  expect(pairwiseSimilarityLoss(student, teacher, [2, 3]).dataSync()[0]).toBeCloseTo(0, 7);
  tf.dispose([teacher, student]);
});

describeShared(['fixtures', 'tiny-bert'], 'wb distill from tiny-bert', () => {
  const teacherDir = sharedPath('fixtures', 'tiny-bert');

  it('starts the student from every other teacher layer, embeddings and head copied', () => {
    const teacher = loadBertCheckpoint(teacherDir);
    const config = studentConfig(teacher.config);
    expect([config.nLayers, config.dim, config.nHeads, config.hiddenDim]).toEqual([1, 32, 4, 64]);
    const student = initStudentFromTeacher(teacher.weights, teacher.config, config);
    expect(Object.keys(student).filter((n) => n.startsWith('encoder.layer.1.'))).toEqual([]);
    const same = (a: string, b = a) => maxAbsDiff(student[a].arraySync(), teacher.weights[b].arraySync());
    expect(same('encoder.layer.0.attention.self.query.weight')).toBe(0);
    expect(same('cls.predictions.transform.dense.weight')).toBe(0);
    // Without token types, the student's embeddings still equal the teacher's for type 0 (the type-0 row is folded into the positions).
    const ids = [[101, 1996, 2924, 102]];
    tf.tidy(() => {
      const inputIds = tf.tensor2d(ids, [1, 4], 'int32');
      const t = bertForward(teacher.weights, teacher.config, { inputIds }).hiddenStates[0];
      const s = bertForward(student, distilbertAsBert(config), { inputIds }).hiddenStates[0];
      expect(maxAbsDiff(s.arraySync(), t.arraySync())).toBeLessThan(1e-6);
    });
    // Or from the teacher layers named: the last one here.
    const fromLast = initStudentFromTeacher(teacher.weights, teacher.config, config, [1]);
    expect(maxAbsDiff(fromLast['encoder.layer.0.output.dense.weight'].arraySync(), teacher.weights['encoder.layer.1.output.dense.weight'].arraySync())).toBe(0);
    expect(maxAbsDiff(fromLast['encoder.layer.0.output.dense.weight'].arraySync(), student['encoder.layer.0.output.dense.weight'].arraySync())).toBeGreaterThan(0);
    expect(() => initStudentFromTeacher(teacher.weights, teacher.config, config, [2])).toThrow(/teacher layers 2: the student needs 1 of the teacher's layers 0–1/);
    expect(() => initStudentFromTeacher(teacher.weights, teacher.config, config, [0, 1])).toThrow(/teacher layers 0,1: the student needs 1 of/);
    tf.dispose([...Object.values(student), ...Object.values(fromLast), ...Object.values(teacher.weights)]);
  });

  it('lowers its losses, writes a DistilBERT folder that loads, and resumes bit for bit', async () => {
    const root = mkdtempSync(join(tmpdir(), 'wb-distill-'));
    const corpus = join(root, 'corpus');
    mkdirSync(corpus);
    const river = 'the bank of the river was steep and the water ran fast past the old mill';
    const money = 'she paid the money into the bank and the clerk counted every coin twice';
    const docs = Array.from({ length: 12 }, (_, d) => Array.from({ length: 4 }, (_, s) => (d % 2 ? river : money).split(' ').slice(s, s + 9).join(' ')).join('\n'));
    writeFileSync(join(corpus, 'tiny.txt'), docs.join('\n\n') + '\n');
    const settings: DistillSettings = {
      teacher: teacherDir,
      corpus,
      maxLength: 32,
      batchSize: 6,
      accumulation: 1,
      steps: 16,
      lr: 3e-3,
      warmup: 2,
      weightDecay: 0.01,
      maxGradNorm: 5,
      seed: 3,
      maskProb: 0.15,
      maskReplacement: 'bert',
      temperature: 2,
      alphaCe: 5,
      alphaMlm: 2,
      alphaCos: 1,
      alphaSim: 0,
      alphaSimBatch: 0,
      isotropyWeight: 0,
    };
    const straight = join(root, 'straight');
    const run = await distill(straight, settings, { checkpointEvery: 8 });
    const history = run.trainer.state.history;
    const mean = (pick: (r: (typeof history)[0]) => number, rs: typeof history) => rs.reduce((s, r) => s + pick(r), 0) / rs.length;
    expect(mean((r) => r.loss, history.slice(-4))).toBeLessThan(mean((r) => r.loss, history.slice(0, 4)));
    expect(Object.keys(history[0].parts).sort()).toEqual(['ce', 'cos', 'mlm']);
    const summary = JSON.parse(readFileSync(join(straight, 'training.json'), 'utf8'));
    expect(summary).toMatchObject({ model: 'DistilBertForMaskedLM', student: { layers: 1, fromTeacherLayers: [0] } });

    const model = await loadModel(straight);
    expect([model.family, model.numLayers, model.dim]).toEqual(['distilbert', 2, 32]);
    const [predictions] = await model.fillMask('the bank of the [MASK] was steep', { topK: 2 });
    expect(predictions).toHaveLength(2);
    model.dispose();

    const interrupted = join(root, 'interrupted');
    const stopped = await distill(interrupted, settings, { checkpointEvery: 8, stopAfter: 10 });
    expect(stopped.stopped).toBe(true);
    tf.dispose(Object.values(stopped.trainer.options.params));
    // A state saved before alphaSim, alphaSimBatch and isotropyWeight existed recorded none of them; at 0 it resumes.
    const pointerPath = join(interrupted, 'train-state', 'state.json');
    const pointer = JSON.parse(readFileSync(pointerPath, 'utf8'));
    for (const key of ['alphaSim', 'alphaSimBatch', 'isotropyWeight']) {
      expect(pointer.settings).toHaveProperty(key, 0);
      delete pointer.settings[key];
    }
    writeFileSync(pointerPath, JSON.stringify(pointer));
    await distill(interrupted, settings, { checkpointEvery: 8, resume: true });
    expect(Buffer.compare(readFileSync(join(straight, 'model.safetensors')), readFileSync(join(interrupted, 'model.safetensors')))).toBe(0);
    // A gradient worker, which loads the teacher itself, computes half of each update: the same bytes.
    const split = { ...settings, batchSize: 2, accumulation: 2, steps: 4 };
    await distill(join(root, 'one-thread'), split);
    const parallel = await distill(join(root, 'two-threads'), { ...split, workers: 1 });
    expect(parallel.trainer.options.helpers?.count).toBe(1);
    expect(Buffer.compare(readFileSync(join(root, 'one-thread', 'model.safetensors')), readFileSync(join(root, 'two-threads', 'model.safetensors')))).toBe(0);

    // Continued from the student it wrote, with the same-token similarity loss: it starts where that run ended and lowers the new term.
    const continued = await distill(join(root, 'continued'), { ...settings, initFrom: straight, alphaSim: 50, steps: 12 });
    const first = continued.trainer.state.history[0];
    expect(first.parts.cos).toBeCloseTo(history.at(-1)!.parts.cos, 1);
    const steps = continued.trainer.state.history;
    expect(steps[0].parts.sim).toBeGreaterThan(0);
    expect(mean((r) => r.parts.sim, steps.slice(-4))).toBeLessThan(mean((r) => r.parts.sim, steps.slice(0, 4)));
    expect(JSON.parse(readFileSync(join(root, 'continued', 'training.json'), 'utf8'))).toMatchObject({ student: { layers: 1, initFrom: straight } });
    // The whole-batch similarity: logged, and lowered.
    const batchSim = await distill(join(root, 'batch-sim'), { ...settings, initFrom: straight, alphaSimBatch: 50, steps: 12 });
    const simSteps = batchSim.trainer.state.history;
    expect(Object.keys(simSteps[0].parts).sort()).toEqual(['ce', 'cos', 'mlm', 'simBatch']);
    expect(mean((r) => r.parts.simBatch, simSteps.slice(-4))).toBeLessThan(mean((r) => r.parts.simBatch, simSteps.slice(0, 4)));
    // The isotropy penalty on the student's layers: logged, and lowered from where that run left it.
    const isotropic = await distill(join(root, 'isotropic'), { ...settings, initFrom: straight, isotropyWeight: 20, steps: 12 });
    const isoSteps = isotropic.trainer.state.history;
    expect(Object.keys(isoSteps[0].parts).sort()).toEqual(['ce', 'cos', 'isotropy', 'mlm']);
    expect(mean((r) => r.parts.isotropy, isoSteps.slice(-4))).toBeLessThan(mean((r) => r.parts.isotropy, isoSteps.slice(0, 4)));
    expect(JSON.parse(readFileSync(join(root, 'isotropic', 'training.json'), 'utf8'))).toMatchObject({ settings: { isotropyWeight: 20 }, finalLoss: { isotropy: expect.any(Number) } });
    const fromLast = await distill(join(root, 'from-last'), { ...settings, teacherLayers: [1], steps: 2 });
    expect(JSON.parse(readFileSync(join(root, 'from-last', 'training.json'), 'utf8'))).toMatchObject({ settings: { teacherLayers: [1] }, student: { layers: 1, fromTeacherLayers: [1] } });
    tf.dispose(Object.values(fromLast.trainer.options.params));
    await expect(distill(join(root, 'two-ways'), { ...settings, teacherLayers: [1], initFrom: straight })).rejects.toThrow(/--teacher-layers starts a student from the teacher; --init-from continues one/);
    await expect(distill(join(root, 'disagree'), { ...settings, teacherLayers: [1], layers: 2 })).rejects.toThrow(/--layers 2 and --teacher-layers 1 disagree/);
    await expect(distill(join(root, 'deeper'), { ...settings, initFrom: straight, layers: 2 })).rejects.toThrow(/--init-from .*: nLayers 1, the student needs 2/);
    const otherVocab = join(root, 'other-vocab');
    mkdirSync(otherVocab);
    for (const f of ['config.json', 'model.safetensors']) writeFileSync(join(otherVocab, f), readFileSync(join(straight, f)));
    const lines = readFileSync(join(straight, 'vocab.txt'), 'utf8').split('\n');
    lines[1000] = 'zzzz';
    writeFileSync(join(otherVocab, 'vocab.txt'), lines.join('\n'));
    await expect(distill(join(root, 'other'), { ...settings, initFrom: otherVocab })).rejects.toThrow(/vocab.txt line 1001 is "zzzz", the teacher's ".*"; the student needs its teacher's vocabulary/);
  });
});
