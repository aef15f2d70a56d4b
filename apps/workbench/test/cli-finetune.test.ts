/** `wb finetune` and `wb eval sst2|pair|csv|tweets|conll|qa|probe` end to end: the built CLI with tiny-bert on small data. */
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
    expect(Object.keys(metrics).sort()).toEqual(['accuracy', 'macro_f1', 'majority_baseline', 'n', 'task']);
    expect(metrics).toMatchObject({ task: 'sst2', n: 32 });
    // The baseline is the training file's majority label (recorded by finetune) on the same 32 rows.
    expect(metrics.majority_baseline).toEqual({ ...summary.majority_baseline, from: 'fine-tuning' });
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

  it('finetune tweets: a CSV with string labels, frozen BERT, seeded 80/20 split; eval tweets scores the held-out rows beside the majority', async () => {
    const rows = [
      ['so bad, really', 'Negative'], ['terrible', 'Negative'], ['awful night', 'Negative'], ['he lied', 'Negative'], ['a mess', 'Negative'],
      ['boring', 'Negative'], ['sad "debate"', 'Negative'], ['on fox tonight', 'Neutral'], ['ten people\non stage', 'Neutral'], ['taxes came up', 'Neutral'],
      ['loved it', 'Positive'], ['great answer', 'Positive'],
    ];
    const csv = join(dir, 'tweets.csv');
    writeFileSync(csv, 'tweet_id,sentiment,text\n' + rows.map(([text, label], i) => `${i},${label},"${text.replace(/"/g, '""')}"`).join('\n') + '\n');
    const out = join(dir, 'tweets-model');
    const tuned = await wbRun(['finetune', 'tweets', '--model', model, '--train', csv, '--out', out, '--epochs', '2', '--batch-size', '4']);
    expect(tuned.code, tuned.stderr).toBe(0);
    const summary = JSON.parse(tuned.stdout);
    // ceil(12 × 0.2) = 3 held-out rows; the whole encoder frozen, its [CLS] states computed once.
    expect(summary).toMatchObject({ task: 'csv', labels: ['Negative', 'Neutral', 'Positive'], train_examples: 9, dev_examples: 3, dev: null });
    expect(summary.settings).toMatchObject({ freeze: 2, split: 0.8, seed: 0, lr: 0.001, epochs: 2 });
    expect(summary.majority_baseline.label).toBe('Negative');
    expect(tuned.stderr).toMatch(/every encoder layer is frozen/);
    expect(JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')).id2label).toEqual({ 0: 'Negative', 1: 'Neutral', 2: 'Positive' });

    const scored = await wbRun(['eval', 'tweets', '--model', out, '--data', csv]);
    expect(scored.code, scored.stderr).toBe(0);
    const metrics = JSON.parse(scored.stdout);
    expect(metrics).toMatchObject({ task: 'tweets', n: 3, split: 0.8, seed: 0, file_rows: 12 });
    expect(metrics.accuracy).toBeCloseTo(summary.best.accuracy, 10);
    expect(metrics.majority_baseline).toEqual({ ...summary.majority_baseline, from: 'fine-tuning' });
    const all = await wbRun(['eval', 'csv', '--model', out, '--data', csv, '--text-column', 'text', '--label-column', 'sentiment', '--all']);
    expect(JSON.parse(all.stdout)).toMatchObject({ task: 'csv', n: 12 });
    const wrongColumn = await wbRun(['eval', 'csv', '--model', out, '--data', csv, '--text-column', 'tweet']);
    expect(wrongColumn.code).toBe(1);
    expect(wrongColumn.stderr).toContain(`${csv}:1: no text column named "tweet"; header has "tweet_id", "sentiment", "text"`);
  });

  it('finetune sst2 reads GLUE\'s train-phrases.tsv (67,349 rows, no header); --limit trains on its first rows', async () => {
    const phrases = sharedPath('data', 'sst2', 'train-phrases.tsv');
    const out = join(dir, 'phrases-model');
    const args = ['finetune', 'sst2', '--model', model, '--train', phrases, '--dev', dev, '--limit', '48', '--epochs', '1', '--batch-size', '16', '--max-length', '32'];
    const tuned = await wbRun([...args, '--out', out]);
    expect(tuned.code, tuned.stderr).toBe(0);
    const summary = JSON.parse(tuned.stdout);
    expect(summary).toMatchObject({ task: 'sst2', labels: ['0', '1'], train_examples: 48, dev_examples: 32 });
    expect(summary.epochs[0].train_loss).toBeGreaterThan(0);

    // --workers 1: each batch of 16 in two parts, one on a worker thread; the same run up to rounding.
    const parallel = await wbRun([...args, '--out', join(dir, 'phrases-workers'), '--workers', '1']);
    expect(parallel.code, parallel.stderr).toBe(0);
    expect(parallel.stderr).toMatch(/1 gradient worker\(s\): each batch of 16 is computed in 2 parts side by side/);
    const withWorkers = JSON.parse(parallel.stdout);
    expect(withWorkers.settings.workers).toBe(1);
    expect(withWorkers.epochs[0].train_loss).toBeCloseTo(summary.epochs[0].train_loss, 5);
  });

  it('--help says which data format each task reads', async () => {
    const help = await wbRun(['finetune', 'pair', '--help']);
    expect(help.stdout).toMatch(/sentence1<TAB>sentence2<TAB>label/);
    expect(help.stdout).toMatch(/--freeze <n\|all>/);
  });
});
