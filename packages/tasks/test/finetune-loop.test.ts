/**
 * The fine-tuning loop on a tiny random BERT: a few epochs lower the loss for each head kind, the
 * dev metrics come after every epoch, and frozen weights stay bit-for-bit unchanged while the
 * unfrozen ones move.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, type BertWeights } from '@wb/core';
import {
  FINETUNE_DEFAULTS,
  prepareClassificationTask,
  prepareQaTask,
  prepareTokenTask,
  runFinetuning,
  type EpochResult,
  type FinetuneSettings,
  type PreparedTask,
} from '../src/index.js';
import { tinyConfig, tinyTokenizer, tinyWeights } from './support/tiny-random-bert.js';

// A wider initialisation than BERT's 0.02 makes the random encoder's [CLS] states differ enough
// between sentences for a few dozen steps to fit the toy data.
const config = tinyConfig({ initializerRange: 0.2 });
const tokenizer = tinyTokenizer();
const model = { config, tokenizer };
const settings: FinetuneSettings = { ...FINETUNE_DEFAULTS, epochs: 20, lr: 3e-3, batchSize: 4, maxLength: 32, warmupRatio: 0, weightDecay: 0 };

beforeAll(async () => {
  await initBackend('wasm');
});

const GOOD = ['the film is good', 'a very good film', 'great and good', 'the film was great', 'very great .', 'good , very good'];
const BAD = ['the film is bad', 'a very bad film', 'awful and bad', 'the film was awful', 'very awful .', 'bad , very bad'];
const sentiment = [...GOOD.map((text) => ({ text, label: 1 })), ...BAD.map((text) => ({ text, label: 0 }))];

function bytes(t: tf.Tensor): Buffer {
  return Buffer.from((t.dataSync() as Float32Array).slice().buffer);
}

/** The task's loss over all its training inputs. */
function fullLoss(task: PreparedTask, weights: BertWeights): number {
  const loss = task.loss(weights, Array.from({ length: task.trainSize }, (_, i) => i));
  const value = loss.dataSync()[0];
  loss.dispose();
  return value;
}

async function train(task: PreparedTask, overrides: Partial<FinetuneSettings> = {}) {
  const base = tinyWeights(config);
  const before = Object.fromEntries(Object.entries(base).map(([name, t]) => [name, bytes(t)]));
  const lossBefore = fullLoss(task, { ...base, ...task.head });
  const epochs: EpochResult[] = [];
  const result = await runFinetuning({ config, weights: base }, task, { ...settings, ...overrides }, { onEpoch: (e) => epochs.push(e) });
  return { base, before, epochs, lossBefore, lossAfter: fullLoss(task, result.params), result };
}

describe('runFinetuning', () => {
  it('sequence classification: the loss falls and dev accuracy/macro-F1 come after every epoch', async () => {
    const task = prepareClassificationTask('sst2', model, { train: sentiment, dev: sentiment, labelNames: ['0', '1'] }, { maxLength: 32, seed: 0 });
    const { epochs, lossBefore, lossAfter, result } = await train(task);
    expect(epochs.map((e) => e.epoch)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(lossAfter).toBeLessThan(lossBefore * 0.5);
    for (const e of epochs) expect(Object.keys(e.metrics).sort()).toEqual(['accuracy', 'macro_f1', 'n']);
    expect(epochs.at(-1)!.metrics.accuracy).toBeGreaterThan(0.8);
    expect(result.bestEpoch).toBe(epochs.reduce((best, e) => (e.metrics.accuracy > best.metrics.accuracy ? e : best)).epoch);
  });

  it('sentence pairs go through the same head, with segment ids', async () => {
    const pairs = sentiment.map(({ text, label }) => ({ text: 'the film', textPair: text, label }));
    const task = prepareClassificationTask('pair', model, { train: pairs, dev: pairs, labelNames: ['0', '1'] }, { maxLength: 32, seed: 0 });
    const { lossBefore, lossAfter } = await train(task);
    expect(lossAfter).toBeLessThan(lossBefore * 0.5);
  });

  it('token classification: the loss falls; dev entity F1 is reported', async () => {
    const sentences = [
      { tokens: ['Anna', 'Smith', 'visited', 'Paris', '.'], tags: ['B-PER', 'I-PER', 'O', 'B-LOC', 'O'] },
      { tokens: ['Johanson', 'met', 'Anna', 'in', 'Berlin'], tags: ['B-PER', 'O', 'B-PER', 'O', 'B-LOC'] },
      { tokens: ['Paris', 'and', 'Berlin'], tags: ['B-LOC', 'O', 'B-LOC'] },
      { tokens: ['Anna', 'went', 'to', 'Montréal'], tags: ['B-PER', 'O', 'O', 'B-LOC'] },
    ];
    const labelNames = ['B-LOC', 'B-PER', 'I-PER', 'O'];
    const task = prepareTokenTask(model, { train: sentences, dev: sentences, labelNames }, { maxLength: 32, seed: 0 });
    expect(task.usesPooler).toBe(false);
    const { epochs, lossBefore, lossAfter, result } = await train(task, { batchSize: 2 });
    expect(lossAfter).toBeLessThan(lossBefore * 0.5);
    expect(epochs.at(-1)!.metrics).toMatchObject({ n: 4, entities: 9 });
    expect(epochs.at(-1)!.metrics.f1).toBeGreaterThan(0);
    // BertForTokenClassification has no pooler: it is neither trained nor kept.
    expect(Object.keys(result.params).some((name) => name.startsWith('pooler.'))).toBe(false);
  });

  it('question answering: the loss falls; dev EM/F1 are reported', async () => {
    const context = 'anna smith visited paris . then she went to berlin and ordered a cafe .';
    const qa = [
      ['where did anna go ?', 'paris'],
      ['where did she go then ?', 'berlin'],
      ['what did she order ?', 'a cafe'],
      ['who visited paris ?', 'anna smith'],
    ].map(([question, text], i) => ({ id: `q${i}`, question, context, answers: [{ text, start: context.indexOf(text) }] }));
    const task = prepareQaTask(model, { train: qa, dev: qa }, { maxLength: 20, seed: 0, docStride: 4 });
    expect(task.trainSize).toBeGreaterThan(qa.length); // several windows per question
    const { epochs, lossBefore, lossAfter } = await train(task, { maxLength: 20 });
    expect(lossAfter).toBeLessThan(lossBefore * 0.5);
    expect(Object.keys(epochs[0].metrics).sort()).toEqual(['exact_match', 'f1', 'n', 'unanswered']);
  });

  it('question answering: a window\'s loss leaves out padding, so it does not depend on its batch-mates', () => {
    const long = 'anna smith visited paris in the spring . then she went to berlin and ordered a cafe .';
    const examples = [
      { id: 'short', question: 'who went ?', context: 'anna went .', answers: [{ text: 'anna', start: 0 }] },
      { id: 'long', question: 'where did anna go ?', context: long, answers: [{ text: 'paris', start: long.indexOf('paris') }] },
    ];
    const task = prepareQaTask(model, { train: examples, dev: examples }, { maxLength: 32, seed: 0 });
    expect(task.trainSize).toBe(2);
    const weights = { ...tinyWeights(config), ...task.head };
    const lossOf = (indices: number[]) => {
      const loss = task.loss(weights, indices);
      const value = loss.dataSync()[0];
      loss.dispose();
      return value;
    };
    // The short window batched with the long one is padded by a dozen positions.
    expect(lossOf([0, 1])).toBeCloseTo((lossOf([0]) + lossOf([1])) / 2, 5);
  });

  it('freezing: the embeddings and the first N layers keep their exact bytes, the rest moves', async () => {
    const task = prepareClassificationTask('sst2', model, { train: sentiment, dev: sentiment, labelNames: ['0', '1'] }, { maxLength: 32, seed: 0 });
    const { before, result } = await train(task, { epochs: 2, freeze: 1 });
    const frozen = Object.keys(before).filter((name) => name.startsWith('embeddings.') || name.startsWith('encoder.layer.0.'));
    const free = Object.keys(before).filter((name) => !frozen.includes(name));
    expect(frozen.length).toBeGreaterThan(10);
    for (const name of frozen) expect(bytes(result.params[name]).equals(before[name]), name).toBe(true);
    // LayerNorm biases start at 0 and weights at 1; every tensor of layer 1 and the pooler moves.
    for (const name of free) expect(bytes(result.params[name]).equals(before[name]), name).toBe(false);
    expect(result.frozenParameters).toBe(frozen.reduce((sum, name) => sum + result.params[name].size, 0));
  });

  it('a frozen encoder: the head trains on [CLS] states computed once, with the losses and metrics of the full forward pass', async () => {
    const data = { train: sentiment, dev: sentiment.slice(2, 10), labelNames: ['0', '1'] };
    const full = prepareClassificationTask('sst2', model, data, { maxLength: 32, seed: 0 });
    const cached = prepareClassificationTask('sst2', model, data, { maxLength: 32, seed: 0, frozenEncoder: true });
    const base = tinyWeights(config);
    const start = { ...base, ...full.head };
    await cached.prepare!(start);
    expect(fullLoss(cached, start)).toBeCloseTo(fullLoss(full, start), 5);
    // The stored states are what the cached task reads: other word embeddings change the full loss, not its.
    const zeroed = { ...start, 'embeddings.word_embeddings.weight': tf.zerosLike(start['embeddings.word_embeddings.weight']) };
    expect(fullLoss(cached, zeroed)).toBe(fullLoss(cached, start));
    expect(fullLoss(full, zeroed)).not.toBeCloseTo(fullLoss(full, start), 3);
    // The same run both ways: every epoch's loss and dev metrics agree.
    const frozenAll = { ...settings, epochs: 3, freeze: config.numHiddenLayers };
    const runs: Array<{ epochs: EpochResult[]; result: Awaited<ReturnType<typeof runFinetuning>> }> = [];
    for (const task of [full, cached]) {
      const epochs: EpochResult[] = [];
      const result = await runFinetuning({ config, weights: base }, task, frozenAll, { onEpoch: (e) => epochs.push(e) });
      runs.push({ epochs, result });
    }
    runs[1].epochs.forEach((e, i) => {
      expect(e.trainLoss).toBeCloseTo(runs[0].epochs[i].trainLoss, 5);
      expect(e.metrics).toEqual(runs[0].epochs[i].metrics);
    });
    // Only the pooler and the classifier moved.
    expect(runs[1].result.trainableParameters).toBe(config.hiddenSize * config.hiddenSize + config.hiddenSize + config.hiddenSize * 2 + 2);
    // Freed, the cached task still evaluates (through the encoder again), to the same numbers.
    const before = await cached.evaluate(runs[1].result.params);
    cached.dispose!();
    expect(await cached.evaluate(runs[1].result.params)).toEqual(before);
  });

  it('refuses to freeze more layers than the model has', async () => {
    const task = prepareClassificationTask('sst2', model, { train: sentiment, dev: sentiment, labelNames: ['0', '1'] }, { maxLength: 32, seed: 0 });
    await expect(runFinetuning({ config, weights: {} as BertWeights }, task, { ...settings, freeze: 3 })).rejects.toThrow(/freeze must be 0\.\.2/);
  });
});
