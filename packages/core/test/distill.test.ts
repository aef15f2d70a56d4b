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
import { maxAbsDiff } from './support/numeric.js';

beforeAll(async () => {
  await initBackend('wasm');
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
    tf.dispose([...Object.values(student), ...Object.values(teacher.weights)]);
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
    await distill(interrupted, settings, { checkpointEvery: 8, resume: true });
    expect(Buffer.compare(readFileSync(join(straight, 'model.safetensors')), readFileSync(join(interrupted, 'model.safetensors')))).toBe(0);
    // A gradient worker, which loads the teacher itself, computes half of each update: the same bytes.
    const split = { ...settings, batchSize: 2, accumulation: 2, steps: 4 };
    await distill(join(root, 'one-thread'), split);
    const parallel = await distill(join(root, 'two-threads'), { ...split, workers: 1 });
    expect(parallel.trainer.options.helpers?.count).toBe(1);
    expect(Buffer.compare(readFileSync(join(root, 'one-thread', 'model.safetensors')), readFileSync(join(root, 'two-threads', 'model.safetensors')))).toBe(0);
  });
});
