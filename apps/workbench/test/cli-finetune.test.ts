/** `wb finetune` and `wb eval sst2|pair|conll|qa|probe` end to end: the built CLI with tiny-bert on small data. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { describeShared, sharedPath } from '../../../test/support/shared.js';
import { wbRun } from './support/cli.js';

describeShared(['fixtures', 'tiny-bert'], 'wb finetune / wb eval on tiny-bert', () => {
  const model = sharedPath('fixtures', 'tiny-bert');
  let dir: string;
  let train: string;
  let dev: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'wb-cli-finetune-'));
    const lines = (path: string, n: number) => readFileSync(path, 'utf8').split('\n').slice(0, n).join('\n') + '\n';
    train = join(dir, 'train.tsv');
    dev = join(dir, 'dev.tsv');
    writeFileSync(train, lines(sharedPath('data', 'sst2', 'train.tsv'), 64));
    writeFileSync(dev, lines(sharedPath('data', 'sst2', 'dev.tsv'), 32));
  });

  it('finetune sst2 (64 rows, 1 epoch) writes a folder that eval sst2 loads and scores', async () => {
    const out = join(dir, 'sst2-model');
    const tuned = await wbRun(['finetune', 'sst2', '--model', model, '--train', train, '--dev', dev, '--out', out, '--epochs', '1', '--batch-size', '16']);
    expect(tuned.code, tuned.stderr).toBe(0);
    const summary = JSON.parse(tuned.stdout);
    expect(summary).toMatchObject({ task: 'sst2', architecture: 'BertForSequenceClassification', train_examples: 64, dev_examples: 32, best_epoch: 1 });
    // The model has 64 positions, so --max-length 128 (the default) is cut to 64, and said so.
    expect(summary.settings.max_length).toBe(64);
    expect(tuned.stderr).toMatch(/max length 128 is more than the model's 64 positions/);
    expect(tuned.stderr).toMatch(/epoch 1: train loss [\d.]+; dev accuracy/);
    expect(JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'))).toEqual(summary);
    expect(JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'))).toMatchObject({ architectures: ['BertForSequenceClassification'], num_labels: 2 });

    const scored = await wbRun(['eval', 'sst2', '--model', out, '--data', dev]);
    expect(scored.code, scored.stderr).toBe(0);
    const metrics = JSON.parse(scored.stdout);
    expect(Object.keys(metrics).sort()).toEqual(['accuracy', 'macro_f1', 'n', 'task']);
    expect(metrics).toMatchObject({ task: 'sst2', n: 32 });
    expect(metrics.accuracy).toBeCloseTo(summary.best.accuracy, 10);
    expect(Math.abs(metrics.accuracy * 32 - Math.round(metrics.accuracy * 32))).toBeLessThan(1e-9);
  });

  it('eval sst2 on a model without a classifier, and bad options, are clear errors', async () => {
    const base = await wbRun(['eval', 'sst2', '--model', model, '--data', dev]);
    expect(base.code).toBe(1);
    expect(base.stderr).toMatch(/architectures is \["BertForPreTraining"\]; `wb eval sst2` needs a BertForSequenceClassification checkpoint/);
    const freeze = await wbRun(['finetune', 'sst2', '--model', model, '--train', train, '--dev', dev, '--out', join(dir, 'x'), '--freeze', '5']);
    expect(freeze.code).toBe(1);
    expect(freeze.stderr).toMatch(/freeze must be 0\.\.2 \(the model has 2 layers\), got 5/);
    const badData = join(dir, 'bad.tsv');
    writeFileSync(badData, 'fine\t1\nbroken line without a label\n');
    const bad = await wbRun(['finetune', 'sst2', '--model', model, '--train', badData, '--dev', dev, '--out', join(dir, 'y')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(`${badData}:2: expected 2 tab-separated fields`);
  });

  it('eval probe: [CLS] features + logistic regression on a seeded 75/25 split', async () => {
    const probe = await wbRun(['eval', 'probe', '--model', model, '--data', train, '--limit', '40', '--seed', '3']);
    expect(probe.code, probe.stderr).toBe(0);
    expect(JSON.parse(probe.stdout)).toMatchObject({ task: 'probe', n: 40, train_n: 30, test_n: 10, seed: 3, pooling: 'cls', layer: 2 });
  });

  it('--help says which data format each task reads', async () => {
    const help = await wbRun(['finetune', 'pair', '--help']);
    expect(help.stdout).toMatch(/sentence1<TAB>sentence2<TAB>label/);
    expect(help.stdout).toMatch(/--freeze <n>/);
  });
});
