/**
 * Fine-tuning and scoring with an ELMo backbone (Node). The output folder:
 * - `options.json` + `weights.hdf5`: the base biLM, copied byte for byte (it is never trained), so
 *   the folder stands alone and still opens as an ELMo (detectModelFamily says 'elmo');
 * - `head.safetensors`: the learned ScalarMix and the classifier (elmo-task.ts names);
 * - `elmo_task.json`: task, labels and the settings of the run (its presence marks the folder as
 *   fine-tuned, which a plain ELMo folder is not);
 * - `metrics.json`, as for BERT (written by run.ts).
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { readSafetensors, writeSafetensors, type ElmoModel } from '@wb/core';
import { loadElmo, resolveElmoFiles, writeFileAtomic } from '@wb/core/node';
import { ELMO_HEAD_NAMES, initElmoHead, checkElmoHead, prepareElmoClassification, prepareElmoTokens, type ElmoHead, type ElmoTaskName } from './elmo-task.js';
import { trainEpochs, type FinetuneHooks, type FinetuneResult, type FinetuneSettings } from './loop.js';
import type { TaskData } from './task-data.js';
import { tagList } from './token-task.js';

export const ELMO_TASK_FILE = 'elmo_task.json';
export const ELMO_HEAD_FILE = 'head.safetensors';

export interface ElmoTaskConfig {
  task: ElmoTaskName;
  architecture: 'ElmoForSequenceClassification' | 'ElmoForTokenClassification';
  labels: string[];
  /** The layer weights softmax(s) and gamma of the saved mix, for reading at a glance. */
  scalar_mix?: { weights: number[]; gamma: number };
  wb_finetune?: Record<string, unknown>;
}

export function isFinetunedElmoFolder(dir: string): boolean {
  return existsSync(join(dir, ELMO_TASK_FILE));
}

/** Copies the base biLM's files into `out` (once) and writes the head and its config. */
function saveElmoFolder(out: string, baseDir: string, head: ElmoHead, config: ElmoTaskConfig): void {
  mkdirSync(out, { recursive: true });
  const base = resolveElmoFiles(baseDir);
  if (resolve(base.optionsPath) !== resolve(join(out, 'options.json'))) {
    copyFileSync(base.optionsPath, join(out, 'options.json'));
    copyFileSync(base.weightsPath, join(out, base.weightsPath.endsWith('.safetensors') ? 'model.safetensors' : 'weights.hdf5'));
  }
  const tensors = Object.fromEntries(
    Object.entries(head).map(([name, t]) => [name, { shape: t.shape, data: t.dataSync() as Float32Array }]),
  );
  writeFileAtomic(join(out, ELMO_HEAD_FILE), writeSafetensors(tensors, { metadata: { format: 'pt' } }));
  const s = head[ELMO_HEAD_NAMES.scalarParameters] as tf.Tensor1D;
  const mix = { weights: tf.tidy(() => Array.from(tf.softmax(s).dataSync())), gamma: head[ELMO_HEAD_NAMES.gamma].dataSync()[0] };
  writeFileAtomic(join(out, ELMO_TASK_FILE), JSON.stringify({ ...config, scalar_mix: mix }, null, 2) + '\n');
}

export interface FinetunedElmo {
  model: ElmoModel;
  head: ElmoHead;
  config: ElmoTaskConfig;
  dispose(): void;
}

export async function loadFinetunedElmo(dir: string, task: string): Promise<FinetunedElmo> {
  const configPath = join(dir, ELMO_TASK_FILE);
  if (!existsSync(configPath)) throw new Error(`${resolve(dir)}: no ${ELMO_TASK_FILE}; not a folder written by wb finetune with an ELMo`);
  const config = JSON.parse(readFileSync(configPath, 'utf8')) as ElmoTaskConfig;
  if (config.task !== task) throw new Error(`${resolve(dir)} is fine-tuned for ${config.task}, not ${task}`);
  if (!Array.isArray(config.labels) || config.labels.length === 0) throw new Error(`${configPath}: no labels`);
  const model = await loadElmo(dir);
  const stored = readSafetensors(new Uint8Array(readFileSync(join(dir, ELMO_HEAD_FILE))), join(dir, ELMO_HEAD_FILE));
  const head: ElmoHead = {};
  for (const [name, t] of stored.tensors) head[name] = tf.tensor(t.data, t.shape);
  try {
    checkElmoHead(head, model, config.labels.length, join(dir, ELMO_HEAD_FILE));
  } catch (e) {
    model.dispose();
    tf.dispose(Object.values(head));
    throw e;
  }
  return { model, head, config, dispose: () => (model.dispose(), tf.dispose(Object.values(head))) };
}

/** What run.ts's finetune() hands over when the model folder is an ELMo. */
interface ElmoFinetuneInput {
  task: ElmoTaskName;
  modelDir: string;
  out: string;
  train: TaskData;
  dev: TaskData;
  settings: FinetuneSettings;
  recordedSettings: Record<string, unknown>;
  hooks: FinetuneHooks;
}

interface ElmoFinetuneResult extends FinetuneResult {
  labels: string[];
  trainExamples: number;
  devExamples: number;
}

/** The ELMo run: frozen biLM, trainable head (mix + classifier) through the shared epoch loop; the best epoch saved. */
export async function finetuneElmo(input: ElmoFinetuneInput): Promise<ElmoFinetuneResult> {
  const { task, train, dev, settings } = input;
  const model = await loadElmo(input.modelDir);
  try {
    let labels: string[];
    let prepared;
    let counts: [number, number];
    if (train.kind === 'classification' && dev.kind === 'classification') {
      labels = train.labelNames;
      prepared = prepareElmoClassification(model, { train: train.examples, dev: dev.examples, labelNames: labels });
      counts = [train.examples.length, dev.examples.length];
    } else if (train.kind === 'tokens' && dev.kind === 'tokens') {
      labels = tagList(train.sentences);
      prepared = prepareElmoTokens(model, { train: train.sentences, dev: dev.sentences, labelNames: labels });
      counts = [train.sentences.length, dev.sentences.length];
    } else {
      throw new Error(`finetune: task ${task} is not available with an ELMo backbone (sst2 and conll are)`);
    }
    // Only the head is a variable: the biLM's tensors are outside the optimizer's reach by construction.
    const head = initElmoHead(model, labels.length, settings.seed);
    const params = Object.fromEntries(Object.entries(head).map(([name, t]) => [name, tf.variable(t, true)]));
    tf.dispose(Object.values(head));
    const config: ElmoTaskConfig = {
      task,
      architecture: task === 'conll' ? 'ElmoForTokenClassification' : 'ElmoForSequenceClassification',
      labels,
    };
    const frozen = Object.values(model.weights).reduce((sum, t) => sum + t.size, 0);
    input.hooks.onLog?.(`ELMo backbone: its ${frozen.toLocaleString('en')} biLM parameters stay frozen; training the scalar mix over ${model.numLayers} layers and the classifier`);
    const hooks: FinetuneHooks = {
      ...input.hooks,
      onBest: async (weights, e) => {
        saveElmoFolder(input.out, input.modelDir, weights, { ...config, wb_finetune: { task, ...input.recordedSettings, epoch: e.epoch } });
        await input.hooks.onBest?.(weights, e);
      },
    };
    const result = await trainEpochs(params, () => true, prepared, settings, hooks, { outsideFrozen: frozen });
    return { ...result, labels, trainExamples: counts[0], devExamples: counts[1] };
  } finally {
    model.dispose();
  }
}
