/**
 * `finetune()` and `evaluateFolder()` end to end on the tiny-bert fixture: the Hugging Face folder
 * each task writes (architectures, labels, tensor names and layouts), metrics.json, freezing seen in
 * the saved bytes, and scoring the folder again.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { initBackend, setWorkListener } from '@wb/core';
import { readModelTensors } from '@wb/core/node';
import { describeShared, sharedPath } from '../../../test/support/shared.js';
import { evaluateFolder, finetune, loadFinetunedBert, scoreFolder, trainTestSplit } from '../src/node.js';

const model = sharedPath('fixtures', 'tiny-bert');
let dir: string;

beforeAll(async () => {
  await initBackend('wasm');
  dir = mkdtempSync(join(tmpdir(), 'wb-finetune-'));
});

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function firstLines(path: string, n: number): string {
  return readFileSync(path, 'utf8').split('\n').slice(0, n).join('\n') + '\n';
}

/** The first `n` sentences of a CoNLL file (blank-line separated). */
function firstSentences(path: string, n: number): string {
  const blocks = readFileSync(path, 'utf8').split(/\n\s*\n/).filter((b) => b.trim() && !b.startsWith('-DOCSTART-'));
  return blocks.slice(0, n).join('\n\n') + '\n';
}

const json = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

describeShared(['fixtures', 'tiny-bert'], 'finetune on tiny-bert', () => {
  it('sst2 with 1 frozen layer: an HF BertForSequenceClassification folder, frozen bytes unchanged, scored again', async () => {
    const train = write('train.tsv', firstLines(sharedPath('data', 'sst2', 'train.tsv'), 48));
    const dev = write('dev.tsv', firstLines(sharedPath('data', 'sst2', 'dev.tsv'), 24));
    const out = join(dir, 'sst2');
    const summary = await finetune('sst2', { modelDir: model, train, dev, out, epochs: 2, batchSize: 16, maxLength: 64, freeze: 1, lr: 1e-3 });

    const config = json(join(out, 'config.json'));
    expect(config).toMatchObject({
      architectures: ['BertForSequenceClassification'],
      model_type: 'bert',
      id2label: { 0: '0', 1: '1' },
      label2id: { 0: 0, 1: 1 },
      num_labels: 2,
      hidden_size: 32,
      finetuning_task: 'sst2',
      classifier_pooling: 'pooler',
    });
    expect(readFileSync(join(out, 'vocab.txt'), 'utf8')).toBe(readFileSync(join(model, 'vocab.txt'), 'utf8'));
    const saved = readModelTensors(out);
    const base = readModelTensors(model);
    expect(saved.get('classifier.weight')!.shape).toEqual([2, 32]); // PyTorch's [out, in]
    expect(saved.get('classifier.bias')!.shape).toEqual([2]);
    expect(saved.has('bert.pooler.dense.weight')).toBe(true);
    expect([...saved.keys()].some((name) => name.startsWith('cls.'))).toBe(false);
    for (const [name, tensor] of saved) {
      if (!name.startsWith('bert.')) continue;
      const same = Buffer.from(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength).equals(
        Buffer.from(base.get(name)!.data.buffer, base.get(name)!.data.byteOffset, base.get(name)!.data.byteLength),
      );
      const frozen = name.startsWith('bert.embeddings.') || name.startsWith('bert.encoder.layer.0.');
      expect(same, name).toBe(frozen);
    }

    const metrics = json(join(out, 'metrics.json'));
    expect(metrics).toEqual(summary);
    expect(metrics).toMatchObject({ task: 'sst2', train_examples: 48, dev_examples: 24, selected_by: 'accuracy', settings: { freeze: 1, epochs: 2 } });
    expect(metrics.frozen_parameters).toBeGreaterThan(0);
    expect(metrics.epochs.map((e: { epoch: number }) => e.epoch)).toEqual([1, 2]);
    expect(Object.keys(metrics.epochs[0])).toEqual(expect.arrayContaining(['train_loss', 'accuracy', 'macro_f1', 'n']));
    expect(config.wb_finetune.epoch).toBe(metrics.best_epoch);

    // The saved folder scores the dev file as the best epoch did, reporting how far it is (a notebook cell's live bar).
    const reported: Array<{ kind: string; total: number; done: number; finished: boolean }> = [];
    setWorkListener((work) => {
      const entry = { kind: work.kind, total: work.total, done: 0, finished: false };
      reported.push(entry);
      return { advance: (count = 1) => void (entry.done += count), set: (done) => void (entry.done = done), finish: () => void (entry.finished = true) };
    });
    const again = await evaluateFolder('sst2', out, dev).finally(() => setWorkListener(undefined));
    expect(again.accuracy).toBeCloseTo(metrics.best.accuracy, 10);
    expect(again.n).toBe(24);
    expect(reported).toEqual([{ kind: 'evaluation', total: 24, done: 24, finished: true }]);
  });

  it('pair: sentence1/sentence2/label TSV with named labels; an unknown dev label names its line', async () => {
    const rows = [
      ['the film is good', 'it is a good film', 'entailment'],
      ['the film is bad', 'it is a great film', 'not_entailment'],
      ['she went to paris', 'she visited paris', 'entailment'],
      ['he went to berlin', 'he stayed home', 'not_entailment'],
    ];
    const text = ['sentence1\tsentence2\tlabel', ...rows.map((r) => r.join('\t'))].join('\n') + '\n';
    const train = write('pair-train.tsv', text);
    const out = join(dir, 'pair');
    await finetune('pair', { modelDir: model, train, dev: train, out, epochs: 1, batchSize: 2 });
    const config = json(join(out, 'config.json'));
    expect(config).toMatchObject({ architectures: ['BertForSequenceClassification'], id2label: { 0: 'entailment', 1: 'not_entailment' }, num_labels: 2 });
    expect(await evaluateFolder('pair', out, train)).toMatchObject({ n: 4 });
    const bad = write('pair-bad.tsv', text + 'a\tb\tneutral\n');
    await expect(evaluateFolder('pair', out, bad)).rejects.toThrow(/pair-bad\.tsv:6: label "neutral" is not one of the model's labels/);
  });

  it('conll: a BertForTokenClassification folder without a pooler, sorted tags as labels, entity F1', async () => {
    const train = write('train.conll', firstSentences(sharedPath('data', 'conll2003', 'train.txt'), 24));
    const dev = write('dev.conll', firstSentences(sharedPath('data', 'conll2003', 'valid.txt'), 12));
    const out = join(dir, 'conll');
    const summary = await finetune('conll', { modelDir: model, train, dev, out, epochs: 1, batchSize: 8, maxLength: 32 });
    const config = json(join(out, 'config.json'));
    expect(config.architectures).toEqual(['BertForTokenClassification']);
    const labels = Object.values(config.id2label) as string[];
    expect(labels).toEqual([...labels].sort());
    expect(labels).toContain('O');
    expect(config.num_labels).toBe(labels.length);
    const saved = readModelTensors(out);
    expect(saved.has('bert.pooler.dense.weight')).toBe(false);
    expect(saved.get('classifier.weight')!.shape).toEqual([labels.length, 32]);
    expect(summary.selected_by).toBe('f1');
    expect(Object.keys(summary.best)).toEqual(expect.arrayContaining(['f1', 'precision', 'recall', 'n', 'entities']));
    const again = await evaluateFolder('conll', out, dev);
    expect(again.f1).toBeCloseTo(summary.best.f1, 10);
    expect(again.n).toBe(12);
    // Max length 32 is recorded, and long sentences are chunked rather than cut.
    expect(config.wb_finetune.max_length).toBe(32);
  });

  it('qa: a BertForQuestionAnswering folder with qa_outputs; EM/F1 on SQuAD JSON', async () => {
    const context = 'Anna Smith visited Montréal in 1996. Then she went to Paris and ordered a café crème. Later she flew to 東京, the capital of Japan.';
    const qas = [
      ['q1', 'Where did Anna Smith go in 1996?', 'Montréal'],
      ['q2', 'What did she order in Paris?', 'café crème'],
      ['q3', 'Which capital did she fly to?', '東京'],
    ].map(([id, question, answer]) => ({ id, question, answers: [{ text: answer, answer_start: context.indexOf(answer) }] }));
    const squad = write('squad.json', JSON.stringify({ version: '1.1', data: [{ title: 't', paragraphs: [{ context, qas }] }] }));
    const out = join(dir, 'qa');
    const summary = await finetune('qa', { modelDir: model, train: squad, dev: squad, out, epochs: 1, batchSize: 4, maxLength: 32, docStride: 8 });
    expect(summary.train_inputs).toBeGreaterThan(3); // windows
    const config = json(join(out, 'config.json'));
    expect(config.architectures).toEqual(['BertForQuestionAnswering']);
    expect(config.wb_finetune).toMatchObject({ max_length: 32, doc_stride: 8, max_answer_length: 30 });
    expect(readModelTensors(out).get('qa_outputs.weight')!.shape).toEqual([2, 32]);
    const again = await evaluateFolder('qa', out, squad);
    expect(again).toMatchObject({ n: 3, unanswered: 0 });
    expect(again.f1).toBeCloseTo(summary.best.f1, 10);
  });

  it('csv: string labels, a frozen encoder on a seeded 80/20 split, the majority baseline; scored again on the same held-out rows', async () => {
    // 20 tweets-like rows: 12 Negative, 4 Neutral, 4 Positive; quoted text with commas, quotes and a line break.
    const texts = [
      'awful debate, "really" awful', 'so bad', 'terrible answers', 'worst night\never', 'boring and rude', 'a mess', 'no plan at all',
      'he lied again', 'sad to watch', 'what a disaster', 'shameful', 'angry about it', 'they talked about taxes', 'the debate is on fox',
      'ten candidates tonight', 'live from cleveland', 'great answer!', 'loved it', 'strong night for him', 'best debate, really',
    ];
    const labels = [...Array(12).fill('Negative'), ...Array(4).fill('Neutral'), ...Array(4).fill('Positive')];
    const quote = (text: string) => `"${text.replace(/"/g, '""')}"`;
    const csv = write('tweets.csv', ['id,text,sentiment,candidate', ...texts.map((t, i) => `${i + 1},${quote(t)},${labels[i]},someone`)].join('\r\n') + '\r\n');
    const out = join(dir, 'csv');
    const options = { modelDir: model, train: csv, split: 0.8, seed: 5, out, epochs: 2, batchSize: 4, lr: 1e-2, freeze: 'all' as const, textColumn: 'text', labelColumn: 'sentiment' };
    const summary = await finetune('csv', options);

    // The split: ceil(20 × 0.2) = 4 held-out rows, chosen as trainTestSplit chooses them.
    const { test } = trainTestSplit(20, 1 - 0.8, 5);
    expect(summary).toMatchObject({ task: 'csv', labels: ['Negative', 'Neutral', 'Positive'], train_examples: 16, dev_examples: 4, dev: null });
    expect(summary.settings).toMatchObject({ freeze: 2, split: 0.8, split_rows: 20, seed: 5 });
    // Frozen: only the pooler (32×32 + 32) and the classifier (32×3 + 3) train.
    expect(summary.trainable_parameters).toBe(32 * 32 + 32 + 32 * 3 + 3);
    // The training part has at least 12 − 4 = 8 Negative rows, more than Neutral and Positive together could reach.
    const negativeInDev = test.filter((row) => labels[row] === 'Negative').length;
    expect(summary.majority_baseline).toMatchObject({ label: 'Negative', accuracy: negativeInDev / 4 });
    const config = json(join(out, 'config.json'));
    expect(config).toMatchObject({ id2label: { 0: 'Negative', 1: 'Neutral', 2: 'Positive' }, label2id: { Negative: 0, Neutral: 1, Positive: 2 }, finetuning_task: 'csv' });
    expect(config.wb_finetune).toMatchObject({ split: 0.8, split_rows: 20, seed: 5, majority_label: 'Negative' });

    // The saved folder (through the full encoder, no stored states) scores the same 4 rows as the best epoch.
    const columns = { textColumn: 'text', labelColumn: 'sentiment' };
    const again = await scoreFolder('csv', out, csv, columns);
    expect(again.rows).toEqual({ scored: 4, of: 20, split: 0.8, seed: 5 });
    expect(again.metrics.accuracy).toBeCloseTo(summary.best.accuracy, 10);
    expect(again.majorityBaseline).toEqual({ ...summary.majority_baseline, from: 'fine-tuning' });
    expect((await scoreFolder('csv', out, csv, { ...columns, all: true })).rows).toEqual({ scored: 20, of: 20 });
    // The recorded split is not applied to a file of another size.
    const other = write('other.csv', ['text,sentiment', 'fine,Neutral', 'bad,Negative'].join('\n') + '\n');
    await expect(scoreFolder('csv', out, other, columns)).rejects.toThrow(
      `${other}: 2 rows, but the model was fine-tuned on a split of a 20-row file (0.8, seed 5); pass --all to score every row, or --split to split this file`,
    );
  });

  it('a dev file or a split, and --limit trains on the first rows only', async () => {
    const train = write('limit.tsv', firstLines(sharedPath('data', 'sst2', 'train-phrases.tsv'), 40));
    const out = join(dir, 'limit');
    await expect(finetune('sst2', { modelDir: model, train, out })).rejects.toThrow('finetune: give a dev file (--dev) or a split fraction of the training file (--split 0.8)');
    const conll = write('split.conll', 'EU B-ORG\nrejects O\n\nGerman B-MISC\ncall O\n');
    await expect(finetune('conll', { modelDir: model, train: conll, split: 0.5, out })).rejects.toThrow(`${conll}: --split divides classification data only; give a --dev file`);
    const summary = await finetune('sst2', { modelDir: model, train, dev: train, out, limit: 12, epochs: 1, batchSize: 4, maxLength: 32 });
    expect(summary).toMatchObject({ train_examples: 12, dev_examples: 40 });
  });

  it('workers: each batch computed in parts on a worker thread gives the whole batch\'s update, for every task', async () => {
    /** The largest difference between two folders' values of the tensors both hold. */
    const maxDifference = (a: string, b: string) => {
      const other = readModelTensors(b);
      let most = 0;
      for (const [name, t] of readModelTensors(a)) other.get(name)?.data.forEach((x, i) => (most = Math.max(most, Math.abs(x - t.data[i]))));
      return most;
    };
    // 13 sentences in batches of 4: the last batch of an epoch has one input, so one of its two parts is empty.
    const sst2 = write('workers.tsv', firstLines(sharedPath('data', 'sst2', 'train-phrases.tsv'), 13));
    const conll = write('workers.conll', firstSentences(sharedPath('data', 'conll2003', 'train.txt'), 10));
    const context = 'Anna Smith visited Montréal in 1996. Then she went to Paris and ordered a café crème.';
    const squad = write(
      'workers-squad.json',
      JSON.stringify({ version: '1.1', data: [{ title: 't', paragraphs: [{ context, qas: [['q1', 'Where did Anna go?', 'Montréal'], ['q2', 'What did she order?', 'café crème']].map(([id, question, answer]) => ({ id, question, answers: [{ text: answer, answer_start: context.indexOf(answer) }] })) }] }] }),
    );
    const runs = [
      ['sst2', sst2, { batchSize: 4 }],
      ['conll', conll, { batchSize: 3 }],
      ['qa', squad, { batchSize: 3, docStride: 8 }],
    ] as const;
    for (const [task, data, options] of runs) {
      const settings = { modelDir: model, train: data, dev: data, epochs: 2, maxLength: 32, lr: 1e-3, ...options };
      const alone = await finetune(task, { ...settings, out: join(dir, `${task}-alone`) });
      const parallel = await finetune(task, { ...settings, out: join(dir, `${task}-workers`), workers: 1 });
      expect(parallel.settings.workers).toBe(1);
      expect(maxDifference(join(dir, `${task}-alone`), model)).toBeGreaterThan(1e-3);
      // The second epoch's loss is computed with the weights the first epoch's updates made: a part
      // weighted wrongly shows there (a per-input weighting of token classification's per-word mean
      // was off by 0.016). The weights themselves are compared no closer than the losses they give:
      // biases whose exact gradient is 0 (attention keys, QA's start/end) get Adam steps from rounding noise.
      parallel.epochs.forEach((e, i) => {
        expect(e.train_loss).toBeCloseTo(alone.epochs[i].train_loss, 5);
        expect(e[alone.selected_by]).toBeCloseTo(alone.epochs[i][alone.selected_by], 5);
      });
    }
    // A frozen encoder trains its head on stored [CLS] states in this thread: no workers, none recorded.
    const logged: string[] = [];
    const frozen = await finetune('sst2', { modelDir: model, train: sst2, dev: sst2, out: join(dir, 'frozen-workers'), epochs: 1, maxLength: 32, freeze: 'all', workers: 1, onLog: (m) => logged.push(m) });
    expect(frozen.settings.workers).toBeUndefined();
    expect(logged).toContain('every encoder layer is frozen: the head trains on stored states in this thread, without workers');
    const elmo = sharedPath('fixtures', 'allennlp-elmo');
    await expect(finetune('sst2', { modelDir: elmo, train: sst2, dev: sst2, out: join(dir, 'elmo-workers'), workers: 1 })).rejects.toThrow(
      'finetune: --workers needs a BERT-family model; an ELMo backbone trains only its small head, in this thread',
    );
  });

  it('a folder without the task head is a clear error', () => {
    expect(() => loadFinetunedBert(model, 'conll')).toThrow(/architectures is \["BertForPreTraining"\]; `wb eval conll` needs a BertForTokenClassification checkpoint/);
  });
});
