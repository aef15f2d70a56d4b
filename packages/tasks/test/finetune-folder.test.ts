/**
 * `finetune()` and `evaluateFolder()` end to end on the tiny-bert fixture: the Hugging Face folder
 * each task writes (architectures, labels, tensor names and layouts), metrics.json, freezing seen in
 * the saved bytes, and scoring the folder again.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { initBackend } from '@wb/core';
import { readModelTensors } from '@wb/core/node';
import { describeShared, sharedPath } from '../../../test/support/shared.js';
import { evaluateFolder, finetune, loadFinetunedBert } from '../src/node.js';

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

    // The saved folder scores the dev file as the best epoch did.
    const again = await evaluateFolder('sst2', out, dev);
    expect(again.accuracy).toBeCloseTo(metrics.best.accuracy, 10);
    expect(again.n).toBe(24);
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

  it('a folder without the task head is a clear error', () => {
    expect(() => loadFinetunedBert(model, 'conll')).toThrow(/architectures is \["BertForPreTraining"\]; `wb eval conll` needs a BertForTokenClassification checkpoint/);
  });
});
