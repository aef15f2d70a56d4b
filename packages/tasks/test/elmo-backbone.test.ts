/**
 * ELMo as a fine-tuning backbone, on AllenNLP's small ELMo fixture: a few steps on handmade
 * sentences lower the loss; the biLM's weights stay byte-for-byte the same while the scalar mix and
 * the classifier move; the saved folder loads back to the same predictions.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { initBackend } from '@wb/core';
import { loadElmo, resolveElmoFiles } from '@wb/core/node';
import { elmoSentenceVectors, elmoWords, sentenceVectorRecipe, fitLogisticRegression, predictElmoSentences, predictElmoTags, probeWithLogisticRegression, trainTestSplit, type EpochResult } from '../src/index.js';
import { ELMO_HEAD_FILE, ELMO_TASK_FILE, evaluateFolder, finetune, loadFinetunedElmo } from '../src/node.js';
import { describeShared, sharedPath } from '../../../test/support/shared.js';

const POSITIVE = ['a wonderful film', 'great acting and a lovely story', 'i loved it', 'truly great fun', 'a delight from start to end',
  'lovely and warm', 'the best film of the year', 'wonderful music', 'a great cast', 'i enjoyed every minute'];
const NEGATIVE = ['a terrible film', 'boring and far too long', 'i hated it', 'awful acting', 'a waste of time',
  'dull and lifeless', 'the worst film of the year', 'bad music', 'a weak cast', 'i was bored every minute'];

const CONLL = [
  [['John', 'B-PER'], ['lives', 'O'], ['in', 'O'], ['Paris', 'B-LOC']],
  [['Mary', 'B-PER'], ['visited', 'O'], ['London', 'B-LOC']],
  [['Peter', 'B-PER'], ['likes', 'O'], ['Berlin', 'B-LOC']],
  [['Anna', 'B-PER'], ['went', 'O'], ['to', 'O'], ['Rome', 'B-LOC']],
  [['Paris', 'B-LOC'], ['is', 'O'], ['big', 'O']],
  [['John', 'B-PER'], ['is', 'O'], ['here', 'O']],
  [['London', 'B-LOC'], ['and', 'O'], ['Rome', 'B-LOC']],
  [['Mary', 'B-PER'], ['and', 'O'], ['Peter', 'B-PER'], ['talk', 'O']],
];

let dir: string;
let fixture: string;

beforeAll(async () => {
  await initBackend('wasm');
  dir = mkdtempSync(join(tmpdir(), 'wb-elmo-backbone-'));
  fixture = sharedPath('fixtures', 'allennlp-elmo');
  const tsv = ['sentence\tlabel', ...POSITIVE.map((s) => `${s}\t1`), ...NEGATIVE.map((s) => `${s}\t0`)].join('\n') + '\n';
  writeFileSync(join(dir, 'sst2.tsv'), tsv);
  writeFileSync(join(dir, 'ner.conll'), CONLL.map((s) => s.map(([w, t]) => `${w} ${t}`).join('\n')).join('\n\n') + '\n');
});

describeShared(['fixtures', 'allennlp-elmo'], 'ELMo backbone (frozen biLM + scalar mix + classifier)', () => {
  it('sst2: the loss falls, the biLM stays frozen, the mix and classifier move, save → load → same predictions', async () => {
    const out = join(dir, 'sst2-out');
    const epochs: EpochResult[] = [];
    const summary = await finetune('sst2', {
      modelDir: fixture,
      train: join(dir, 'sst2.tsv'),
      dev: join(dir, 'sst2.tsv'),
      out,
      epochs: 6,
      lr: 5e-2,
      batchSize: 10,
      warmupRatio: 0,
      weightDecay: 0,
      onEpoch: (e) => epochs.push(e),
    });
    expect(summary.architecture).toBe('ElmoForSequenceClassification');
    expect(epochs.at(-1)!.trainLoss).toBeLessThan(epochs[0].trainLoss);
    expect(summary.trainable_parameters).toBeGreaterThan(0);
    expect(summary.frozen_parameters).toBeGreaterThan(summary.trainable_parameters);

    // The biLM is copied, never rewritten: same bytes as the base file.
    const base = resolveElmoFiles(fixture);
    expect(Buffer.compare(readFileSync(base.weightsPath), readFileSync(join(out, 'weights.hdf5')))).toBe(0);
    expect(readFileSync(join(out, 'options.json'), 'utf8')).toBe(readFileSync(base.optionsPath, 'utf8'));

    const finetuned = await loadFinetunedElmo(out, 'sst2');
    try {
      // ... and its tensors equal the base model's, while the head left its initial values.
      const original = await loadElmo(fixture);
      for (const [name, t] of Object.entries(original.weights)) {
        expect(Buffer.compare(Buffer.from((t.dataSync() as Float32Array).buffer), Buffer.from((finetuned.model.weights[name].dataSync() as Float32Array).buffer)), name).toBe(0);
      }
      const s = Array.from(finetuned.head['scalar_mix.scalar_parameters'].dataSync());
      expect(s.some((x) => Math.abs(x) > 1e-4)).toBe(true); // initial 0
      expect(Math.abs(finetuned.head['scalar_mix.gamma'].dataSync()[0] - 1)).toBeGreaterThan(1e-4); // initial 1
      expect(Array.from(finetuned.head['classifier.bias'].dataSync()).some((x) => Math.abs(x) > 1e-4)).toBe(true); // initial 0
      const config = JSON.parse(readFileSync(join(out, ELMO_TASK_FILE), 'utf8'));
      expect(config.labels).toEqual(['0', '1']);
      expect(readFileSync(join(out, ELMO_HEAD_FILE)).byteLength).toBeGreaterThan(0);

      // Save → load → the same predictions: the metrics on the file equal the best epoch's.
      const sentences = [...POSITIVE, ...NEGATIVE].map((t) => elmoWords(finetuned.model, t));
      const predicted = await predictElmoSentences(finetuned.model, finetuned.head, sentences);
      const best = summary.best;
      const accuracy = predicted.filter((p, i) => p === (i < POSITIVE.length ? 1 : 0)).length / predicted.length;
      expect(accuracy).toBeCloseTo(best.accuracy, 10);
      const metrics = await evaluateFolder('sst2', out, join(dir, 'sst2.tsv'));
      expect(metrics.accuracy).toBeCloseTo(best.accuracy, 10);
      original.dispose();
    } finally {
      finetuned.dispose();
    }
  }, 30_000);

  it('conll: per-word tags from the mixed layers; the loss falls; the folder scores the same after loading', async () => {
    const out = join(dir, 'conll-out');
    const epochs: EpochResult[] = [];
    const summary = await finetune('conll', {
      modelDir: fixture,
      train: join(dir, 'ner.conll'),
      dev: join(dir, 'ner.conll'),
      out,
      epochs: 6,
      lr: 5e-2,
      batchSize: 4,
      warmupRatio: 0,
      weightDecay: 0,
      onEpoch: (e) => epochs.push(e),
    });
    expect(summary.architecture).toBe('ElmoForTokenClassification');
    expect(summary.labels).toEqual(['B-LOC', 'B-PER', 'O']);
    expect(epochs.at(-1)!.trainLoss).toBeLessThan(epochs[0].trainLoss);
    const metrics = await evaluateFolder('conll', out, join(dir, 'ner.conll'));
    expect(metrics.f1).toBeCloseTo(summary.best.f1, 10);
    expect(metrics.accuracy).toBeCloseTo(summary.best.accuracy, 10);
    const finetuned = await loadFinetunedElmo(out, 'conll');
    try {
      const tags = await predictElmoTags(finetuned.model, finetuned.head, CONLL.map((s) => s.map(([w]) => w)), finetuned.config.labels);
      expect(tags.map((t) => t.length)).toEqual(CONLL.map((s) => s.length));
    } finally {
      finetuned.dispose();
    }
  }, 30_000);

  it('probe: mean-pooled ELMo vectors (top layer or the average of layers) feed the logistic-regression probe', async () => {
    const model = await loadElmo(fixture);
    try {
      const texts = [...POSITIVE, ...NEGATIVE];
      const top = await elmoSentenceVectors(model, texts);
      const average = await elmoSentenceVectors(model, texts, { averageLayers: true });
      expect(top[0].length).toBe(model.dim);
      expect(top[0]).not.toEqual(average[0]);
      // The top-layer vector is the mean of the words' top-layer vectors from embed().
      const [embedded] = await model.embed([texts[0]]);
      const mean = embedded.words[0].layers[2].map((_, d) => embedded.words.reduce((sum, w) => sum + w.layers[2][d], 0) / embedded.words.length);
      mean.forEach((x, d) => expect(top[0][d]).toBeCloseTo(x, 5));
      const examples = texts.map((text, i) => ({ text, label: i < POSITIVE.length ? 1 : 0 }));
      const result = await probeWithLogisticRegression(model, examples, { testFraction: 0.25, seed: 0 });
      expect([result.trainN, result.testN]).toEqual([15, 5]);
      // ELMo has no [CLS]: the mean over the words, whatever pooling is asked for.
      expect(result.recipe).toEqual({ pooling: 'mean', layer: 2 });
      expect(sentenceVectorRecipe(model, { pooling: 'cls', averageLayers: true })).toEqual({ pooling: 'mean', layer: 'average' });
      // The same recipe by hand on the top-layer vectors: the seeded split, a fit on 15, predictions on the other 5.
      const { train, test } = trainTestSplit(20, 0.25, 0);
      const classifier = fitLogisticRegression(train.map((i) => top[i]), train.map((i) => examples[i].label));
      const predicted = classifier.predict(test.map((i) => top[i]));
      expect(result.accuracy).toBe(test.filter((i, k) => predicted[k] === examples[i].label).length / 5);
      expect(result.trainAccuracy).toBe(classifier.score(train.map((i) => top[i]), train.map((i) => examples[i].label)));
      await expect(elmoSentenceVectors(model, texts, { layer: 7 })).rejects.toThrow(/layer must be 0..2/);
    } finally {
      model.dispose();
    }
  });

  it('says clearly that pair and qa do not take an ELMo', async () => {
    const pairs = join(dir, 'pairs.tsv');
    writeFileSync(pairs, 'a film\ta movie\t1\na film\ta car\t0\n');
    await expect(finetune('pair', { modelDir: fixture, train: pairs, dev: pairs, out: join(dir, 'x') })).rejects.toThrow(/not available with an ELMo/);
  });
});
