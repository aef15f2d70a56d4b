/**
 * `finetune(task, options)` (Node): a BERT folder and train/dev files in (or one file split by a
 * seed); in `out`, the best epoch's model as a Hugging Face folder (see finetuned-folder.ts) and
 * `metrics.json`: the dev metrics of every epoch, the best epoch, the settings, the time taken
 * and, for classification, the majority-class baseline on the same dev rows. `wb finetune` is
 * this function with a progress bar.
 */
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { builtUrlBeside, detectModelFamily, loadBertCheckpoint, loadBertTokenizer, parallelHelpers, writeFileAtomic, type GradientWorkers } from '@wb/core/node';
import type { BatchPart } from './batch-parts.js';
import { finetuneElmo } from './elmo-folder.js';
import type { ClassifierPooling } from '../heads/sequence-classification.js';
import { saveFinetunedFolder } from './finetuned-folder.js';
import { FINETUNE_DEFAULTS, runFinetuning, type EpochResult, type FinetuneHooks, type FinetuneSettings } from './loop.js';
import { prepareQaTask, type QaSettings } from './qa-task.js';
import { classificationMetrics, prepareClassificationTask } from './classification-task.js';
import { limitTaskData, majorityLabel, readTaskData, relabel, splitTaskData, type ColumnOptions, type TaskData } from './task-data.js';
import type { ClassificationTaskName, FinetuneTaskName, PreparedTask } from './task.js';
import { prepareTokenTask, tagList } from './token-task.js';

export interface FinetuneOptions extends Partial<Omit<FinetuneSettings, 'freeze'>>, QaSettings, ColumnOptions, FinetuneHooks {
  modelDir: string;
  train: string;
  /** The dev file; without it, `split` divides the training file. */
  dev?: string;
  /** Classification: train on this fraction of the training file's rows (seeded by `seed`), score on the rest. */
  split?: number;
  /** Train on the first `limit` training examples only (after the split), for a quick run. */
  limit?: number;
  /** Freeze the embeddings and the first n layers, or 'all' of them (only the head trains). */
  freeze?: number | 'all';
  out: string;
  /** Sequence classification: classify the pooler output (default, as Transformers) or the raw [CLS] state. */
  pooling?: ClassifierPooling;
  /**
   * Worker threads that each compute a part of every batch beside this thread (data parallelism, see
   * trainEpochs); 0 or undefined: none. A BERT backbone whose encoder trains.
   */
  workers?: number;
}

export interface FinetuneSummary {
  task: FinetuneTaskName;
  architecture: string;
  model: string;
  train: string;
  /** The dev file, or null when the dev rows are the held-out part of a split training file. */
  dev: string | null;
  out: string;
  settings: Record<string, unknown>;
  labels?: string[];
  /** Classification: always predicting the training rows' most frequent label, scored on the dev rows. */
  majority_baseline?: { label: string } & Record<string, number | string>;
  train_examples: number;
  /** Model inputs trained on: examples, or word chunks (conll), or question windows (qa). */
  train_inputs: number;
  dev_examples: number;
  trainable_parameters: number;
  frozen_parameters: number;
  selected_by: string;
  best_epoch: number;
  best: Record<string, number>;
  epochs: Array<Record<string, number>>;
  seconds: number;
  backend: string;
}

export async function finetune(task: FinetuneTaskName, options: FinetuneOptions): Promise<FinetuneSummary> {
  const started = performance.now();
  const log = options.onLog ?? (() => {});
  const freezeAll = options.freeze === 'all';
  const given = { ...options, freeze: freezeAll ? undefined : (options.freeze as number | undefined) };
  const settings: FinetuneSettings = { ...FINETUNE_DEFAULTS, ...definedOnly(given, Object.keys(FINETUNE_DEFAULTS) as (keyof FinetuneSettings)[]) };
  for (const [key, value] of Object.entries(settings)) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new Error(`finetune: ${key} must be a non-negative number, got ${value}`);
  }
  if (settings.epochs < 1 || settings.batchSize < 1) throw new Error('finetune: epochs and batchSize must be at least 1');

  // Data first: a malformed file should fail before the model loads.
  const [allTrain, dev, fileRows] = readTrainAndDev(task, options, settings.seed);
  const train = options.limit === undefined ? allTrain : limitTaskData(allTrain, options.limit);

  const workers = options.workers ?? 0;
  if (!(Number.isInteger(workers) && workers >= 0)) throw new Error(`finetune: workers must be a whole number ≥ 0, got ${workers}`);
  if (detectModelFamily(options.modelDir) === 'elmo') {
    if (workers > 0) throw new Error('finetune: --workers needs a BERT-family model; an ELMo backbone trains only its small head, in this thread');
    return finetuneWithElmo(task, options, settings, train, dev, fileRows, started);
  }

  const checkpoint = loadBertCheckpoint(options.modelDir);
  const tokenizer = loadBertTokenizer(checkpoint.dir);
  const { config } = checkpoint;
  if (freezeAll) settings.freeze = config.numHiddenLayers;
  for (const t of Object.values(checkpoint.extra)) t.dispose(); // an old head is replaced by a fresh one
  if (Object.keys(checkpoint.extra).length) log(`replacing the checkpoint's head (${Object.keys(checkpoint.extra).join(', ')}) with a new one`);
  if (settings.maxLength > config.maxPositionEmbeddings) {
    log(`max length ${settings.maxLength} is more than the model's ${config.maxPositionEmbeddings} positions; using ${config.maxPositionEmbeddings}`);
    settings.maxLength = config.maxPositionEmbeddings;
  }
  const taskSettings = { maxLength: settings.maxLength, seed: settings.seed, pooling: options.pooling, frozenEncoder: settings.freeze >= config.numHiddenLayers };
  const model = { config, tokenizer };

  let prepared: PreparedTask;
  let labels: string[] | undefined;
  let majority: FinetuneSummary['majority_baseline'];
  let trainExamples: number;
  let devExamples: number;
  if (train.kind === 'classification' && dev.kind === 'classification') {
    labels = train.labelNames;
    const devExamplesRelabelled = relabel(dev.examples, dev.labelNames, labels, options.dev ?? options.train);
    prepared = prepareClassificationTask(task as ClassificationTaskName, model, { train: train.examples, dev: devExamplesRelabelled, labelNames: labels }, taskSettings);
    majority = majorityBaseline(train.examples, devExamplesRelabelled, labels);
    [trainExamples, devExamples] = [train.examples.length, dev.examples.length];
  } else if (train.kind === 'tokens' && dev.kind === 'tokens') {
    labels = tagList(train.sentences);
    prepared = prepareTokenTask(model, { train: train.sentences, dev: dev.sentences, labelNames: labels }, taskSettings);
    [trainExamples, devExamples] = [train.sentences.length, dev.sentences.length];
  } else if (train.kind === 'qa' && dev.kind === 'qa') {
    prepared = prepareQaTask(model, { train: train.questions, dev: dev.questions }, { ...taskSettings, ...qaSettings(options) });
    [trainExamples, devExamples] = [train.questions.length, dev.questions.length];
  } else {
    throw new Error(`finetune: unexpected data for task ${task}`);
  }
  log(`${task}: ${trainExamples} training examples (${prepared.trainSize} inputs), ${devExamples} dev examples`);
  if (taskSettings.frozenEncoder) log('every encoder layer is frozen: the [CLS] states of the training and dev inputs are computed once, then only the head trains');

  const recordedSettings = {
    epochs: settings.epochs,
    lr: settings.lr,
    batch_size: settings.batchSize,
    max_length: settings.maxLength,
    freeze: settings.freeze,
    seed: settings.seed,
    warmup_ratio: settings.warmupRatio,
    weight_decay: settings.weightDecay,
    max_grad_norm: settings.maxGradNorm,
    ...(workers > 0 && !taskSettings.frozenEncoder ? { workers } : {}),
    ...splitSettings(options, fileRows),
    ...(prepared.architecture === 'BertForSequenceClassification' ? { pooling: options.pooling ?? 'pooler' } : {}),
    ...(task === 'qa' ? snakeQa(qaSettings(options)) : {}),
  };
  const epochs: EpochResult[] = [];
  const summary = (bestEpoch: number): FinetuneSummary => ({
    task,
    architecture: prepared.architecture,
    model: resolve(options.modelDir),
    train: resolve(options.train),
    dev: options.dev ? resolve(options.dev) : null,
    out: resolve(options.out),
    settings: recordedSettings,
    ...(labels ? { labels } : {}),
    ...(majority ? { majority_baseline: majority } : {}),
    train_examples: trainExamples,
    train_inputs: prepared.trainSize,
    dev_examples: devExamples,
    trainable_parameters: 0,
    frozen_parameters: 0,
    selected_by: prepared.selectBy,
    best_epoch: bestEpoch,
    best: epochs.find((e) => e.epoch === bestEpoch)?.metrics ?? {},
    epochs: epochs.map((e) => ({ epoch: e.epoch, train_loss: e.trainLoss, ...e.metrics, train_seconds: round(e.trainSeconds), eval_seconds: round(e.evalSeconds) })),
    seconds: round((performance.now() - started) / 1000),
    backend: tf.getBackend(),
  });
  const writeMetrics = (s: FinetuneSummary) => writeFileAtomic(join(options.out, 'metrics.json'), JSON.stringify(s, null, 2) + '\n');

  let bestEpoch = 0;
  let parameters = { trainable_parameters: 0, frozen_parameters: 0 };
  const current = () => ({ ...summary(bestEpoch), ...parameters });
  let helpers: GradientWorkers<BatchPart> | undefined;
  if (workers > 0 && taskSettings.frozenEncoder) {
    log('every encoder layer is frozen: the head trains on stored states in this thread, without workers');
  } else if (workers > 0) {
    const loss = { module: builtUrlBeside(import.meta.url, './worker-losses.js'), exportName: 'partLossInWorker', setup: prepared.workerLoss! };
    helpers = parallelHelpers<BatchPart>({ workers, accumulation: workers + 1 }, loss);
    log(`${workers} gradient worker(s): each batch of ${settings.batchSize} is computed in ${workers + 1} parts side by side`);
  }
  const hooks: FinetuneHooks = {
    ...options,
    onStart: (info) => {
      parameters = { trainable_parameters: info.trainableParameters, frozen_parameters: info.frozenParameters };
      options.onStart?.(info);
    },
    // metrics.json is rewritten after every epoch, so a long run can be followed (or stopped) midway.
    onEpoch: (e) => {
      epochs.push(e);
      writeMetrics(current());
      options.onEpoch?.(e);
    },
    onBest: async (weights, e) => {
      bestEpoch = e.epoch;
      saveFinetunedFolder(options.out, {
        config,
        weights,
        architecture: prepared.architecture,
        task,
        baseDir: checkpoint.dir,
        baseConfigJson: checkpoint.configJson,
        configJson: { ...prepared.configJson, wb_finetune: { task, ...recordedSettings, ...majorityLabelSetting(majority), epoch: e.epoch } },
      });
      await options.onBest?.(weights, e);
    },
  };
  const result = await runFinetuning({ config, weights: checkpoint.weights }, prepared, settings, hooks, helpers).finally(() => helpers?.close());
  // The loop's variables hold the base weights' data; the pretraining heads it did not take go now.
  tf.dispose([...Object.values(result.params), ...Object.values(checkpoint.weights), ...Object.values(prepared.head)]);
  prepared.dispose?.();
  const final = current();
  writeMetrics(final);
  return final;
}

/** The training and dev data: two files, or one file split by `split` and the seed; and the training file's size. */
function readTrainAndDev(task: FinetuneTaskName, options: FinetuneOptions, seed: number): [TaskData, TaskData, number] {
  const train = readTaskData(task, options.train, options);
  const rows = train.kind === 'classification' ? train.examples.length : train.kind === 'tokens' ? train.sentences.length : train.questions.length;
  if (options.dev !== undefined && options.split !== undefined) throw new Error('finetune: give a dev file or a split fraction, not both');
  if (options.dev !== undefined) return [train, readTaskData(task, options.dev, options), rows];
  if (options.split === undefined) throw new Error('finetune: give a dev file (--dev) or a split fraction of the training file (--split 0.8)');
  const split = splitTaskData(train, options.split, seed, options.train);
  return [split.train, split.dev, rows];
}

/**
 * What metrics.json and config.json record of a split: the fraction and the file's size (the seed
 * is recorded anyway), so that `wb eval` finds the same held-out rows, and only in the same file.
 */
function splitSettings(options: FinetuneOptions, fileRows: number): Record<string, number> {
  return options.dev === undefined && options.split !== undefined ? { split: options.split, split_rows: fileRows } : {};
}

function majorityLabelSetting(majority: FinetuneSummary['majority_baseline']): Record<string, string> {
  return majority ? { majority_label: majority.label } : {};
}

/** Accuracy and macro-F1 of always answering the training rows' most frequent label. */
function majorityBaseline(train: readonly { label: number }[], dev: readonly { label: number }[], labels: readonly string[]): FinetuneSummary['majority_baseline'] {
  const label = majorityLabel(train);
  const metrics = classificationMetrics(dev.map((e) => e.label), dev.map(() => label));
  return { label: labels[label], accuracy: metrics.accuracy, macro_f1: metrics.macro_f1 };
}

function qaSettings(options: QaSettings): QaSettings {
  return { docStride: options.docStride, maxAnswerLength: options.maxAnswerLength, maxQuestionLength: options.maxQuestionLength };
}

function snakeQa(qa: QaSettings): Record<string, number> {
  return { doc_stride: qa.docStride ?? 128, max_answer_length: qa.maxAnswerLength ?? 30, max_question_length: qa.maxQuestionLength ?? 64 };
}

function definedOnly<T extends object, K extends keyof T>(options: T, keys: K[]): Partial<Pick<T, K>> {
  return Object.fromEntries(keys.filter((k) => options[k] !== undefined).map((k) => [k, options[k]])) as Partial<Pick<T, K>>;
}

function round(seconds: number): number {
  return Math.round(seconds * 10) / 10;
}

/**
 * The ELMo branch of finetune(): same data, settings, epoch loop and metrics.json as BERT; the model
 * is the frozen biLM plus a trained ScalarMix and classifier (elmo-task.ts, elmo-folder.ts).
 * BERT-only settings (max length, freeze, pooling) do not apply and are not recorded.
 */
async function finetuneWithElmo(
  task: FinetuneTaskName,
  options: FinetuneOptions,
  settings: FinetuneSettings,
  train: TaskData,
  dev: TaskData,
  fileRows: number,
  started: number,
): Promise<FinetuneSummary> {
  if (task !== 'sst2' && task !== 'csv' && task !== 'conll') {
    throw new Error(`finetune: ${task} is not available with an ELMo backbone (${options.modelDir}); sst2, csv and conll are`);
  }
  let majority: FinetuneSummary['majority_baseline'];
  if (train.kind === 'classification' && dev.kind === 'classification') {
    dev = { ...dev, examples: relabel(dev.examples, dev.labelNames, train.labelNames, options.dev ?? options.train), labelNames: train.labelNames };
    majority = majorityBaseline(train.examples, dev.examples, train.labelNames);
  }
  const recordedSettings = {
    backbone: 'elmo',
    epochs: settings.epochs,
    lr: settings.lr,
    batch_size: settings.batchSize,
    seed: settings.seed,
    warmup_ratio: settings.warmupRatio,
    weight_decay: settings.weightDecay,
    max_grad_norm: settings.maxGradNorm,
    ...splitSettings(options, fileRows),
  };
  const epochs: EpochResult[] = [];
  let bestEpoch = 0;
  let trainable = 0;
  let frozen = 0;
  // Known before training, so metrics.json is complete from the first epoch on.
  let labels = train.kind === 'classification' ? train.labelNames : train.kind === 'tokens' ? tagList(train.sentences) : [];
  let counts = [train.kind === 'tokens' ? train.sentences.length : train.kind === 'classification' ? train.examples.length : 0,
    dev.kind === 'tokens' ? dev.sentences.length : dev.kind === 'classification' ? dev.examples.length : 0];
  const summary = (): FinetuneSummary => ({
    task,
    architecture: task === 'conll' ? 'ElmoForTokenClassification' : 'ElmoForSequenceClassification',
    model: resolve(options.modelDir),
    train: resolve(options.train),
    dev: options.dev ? resolve(options.dev) : null,
    out: resolve(options.out),
    settings: recordedSettings,
    labels,
    ...(majority ? { majority_baseline: majority } : {}),
    train_examples: counts[0],
    train_inputs: counts[0],
    dev_examples: counts[1],
    trainable_parameters: trainable,
    frozen_parameters: frozen,
    selected_by: task === 'conll' ? 'f1' : 'accuracy',
    best_epoch: bestEpoch,
    best: epochs.find((e) => e.epoch === bestEpoch)?.metrics ?? {},
    epochs: epochs.map((e) => ({ epoch: e.epoch, train_loss: e.trainLoss, ...e.metrics, train_seconds: round(e.trainSeconds), eval_seconds: round(e.evalSeconds) })),
    seconds: round((performance.now() - started) / 1000),
    backend: tf.getBackend(),
  });
  const writeMetrics = () => writeFileAtomic(join(options.out, 'metrics.json'), JSON.stringify(summary(), null, 2) + '\n');
  const result = await finetuneElmo({
    task,
    modelDir: options.modelDir,
    out: options.out,
    train,
    dev,
    settings,
    recordedSettings: { ...recordedSettings, ...majorityLabelSetting(majority) },
    hooks: {
      ...options,
      onStart: (info) => {
        [trainable, frozen] = [info.trainableParameters, info.frozenParameters];
        options.onStart?.(info);
      },
      onEpoch: (e) => {
        epochs.push(e);
        writeMetrics();
        options.onEpoch?.(e);
      },
      onBest: async (weights, e) => {
        bestEpoch = e.epoch;
        await options.onBest?.(weights, e);
      },
    },
  });
  tf.dispose(Object.values(result.params));
  [labels, counts] = [result.labels, [result.trainExamples, result.devExamples]];
  writeMetrics();
  return summary();
}
