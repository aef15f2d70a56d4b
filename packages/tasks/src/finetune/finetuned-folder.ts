/**
 * Fine-tuned model folders on disk (Node), in the Hugging Face layout so that Transformers loads
 * them with `AutoModelForSequenceClassification` / `...ForTokenClassification` /
 * `...ForQuestionAnswering`: config.json (`architectures`, `id2label`, `label2id`, `num_labels`),
 * model.safetensors (`bert.`-prefixed encoder + the head under its own name), and the base model's
 * tokenizer files copied unchanged.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs-core';
import { loadBertCheckpoint, loadBertTokenizer, saveBertCheckpoint, writeFileAtomic, type BertConfig } from '@wb/core/node';
import type { ClassifierPooling } from '../heads/sequence-classification.js';
import { ARCHITECTURE_OF, type BertArchitecture, type BertWithHead, type FinetuneTaskName } from './task.js';

const TOKENIZER_FILES = ['vocab.txt', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json'];
const HEAD = /^(classifier|qa_outputs)\./;
/** Fields of a base config.json that describe its old head, not the new one. */
const REPLACED = new Set(['architectures', 'id2label', 'label2id', 'num_labels', 'finetuning_task', 'classifier_pooling', 'wb_finetune', 'wb_qa']);

export function saveFinetunedFolder(
  out: string,
  model: {
    config: BertConfig;
    weights: Record<string, tf.Tensor>;
    architecture: BertArchitecture;
    task: FinetuneTaskName;
    baseDir: string;
    baseConfigJson: Record<string, unknown>;
    configJson: Record<string, unknown>;
  },
): void {
  const encoder = Object.fromEntries(Object.entries(model.weights).filter(([name]) => !HEAD.test(name)));
  const head = Object.fromEntries(Object.entries(model.weights).filter(([name]) => HEAD.test(name)));
  const kept = Object.fromEntries(Object.entries(model.baseConfigJson).filter(([key]) => !REPLACED.has(key)));
  saveBertCheckpoint(out, {
    config: model.config,
    weights: encoder,
    extra: head,
    configJson: { ...kept, architectures: [model.architecture], finetuning_task: model.task, ...model.configJson },
  });
  for (const file of TOKENIZER_FILES) {
    // Rewritten rather than copied: a copy keeps the source's mode, and a read-only vocab.txt
    // (as in a shared fixture) would make the next best epoch's save fail.
    if (existsSync(join(model.baseDir, file))) writeFileAtomic(join(out, file), readFileSync(join(model.baseDir, file)));
  }
}

export interface FinetunedBert extends BertWithHead {
  dir: string;
  architecture: BertArchitecture;
  /** id → label name (sequence and token classification). */
  labelNames: string[];
  pooling: ClassifierPooling;
  /** What `wb finetune` recorded (max_length, ...), when it made the folder. */
  finetune: Record<string, unknown>;
  configJson: Record<string, unknown>;
  dispose(): void;
}

/** Loads a folder with a task head for `task`; a clear error when it holds another kind of model. */
export function loadFinetunedBert(dir: string, task: FinetuneTaskName): FinetunedBert {
  const checkpoint = loadBertCheckpoint(dir);
  const configPath = join(checkpoint.dir, 'config.json');
  const architecture = ARCHITECTURE_OF[task];
  const architectures = checkpoint.configJson.architectures;
  const headName = architecture === 'BertForQuestionAnswering' ? 'qa_outputs' : 'classifier';
  const fail = (why: string): never => {
    for (const t of [...Object.values(checkpoint.weights), ...Object.values(checkpoint.extra)]) t.dispose();
    throw new Error(`${configPath}: ${why}; \`wb eval ${task}\` needs a ${architecture} checkpoint (make one with \`wb finetune ${task}\`)`);
  };
  if (Array.isArray(architectures) && !architectures.includes(architecture)) fail(`architectures is ${JSON.stringify(architectures)}`);
  if (!checkpoint.extra[`${headName}.weight`] || !checkpoint.extra[`${headName}.bias`]) fail(`model.safetensors has no ${headName}.weight/bias`);
  const outputs = checkpoint.extra[`${headName}.weight`].shape[1] as number;

  const id2label = checkpoint.configJson.id2label as Record<string, string> | undefined;
  let labelNames: string[] = [];
  if (headName === 'classifier') {
    labelNames = id2label
      ? Object.entries(id2label)
          .sort(([a], [b]) => Number(a) - Number(b))
          .map(([, name]) => name)
      : Array.from({ length: outputs }, (_, i) => `LABEL_${i}`);
    if (labelNames.length !== outputs) fail(`id2label has ${labelNames.length} labels but the classifier has ${outputs} outputs`);
  }
  const pooling = (checkpoint.configJson.classifier_pooling as ClassifierPooling | undefined) ?? 'pooler';
  if (pooling !== 'pooler' && pooling !== 'cls') fail(`classifier_pooling is ${JSON.stringify(pooling)} (expected "pooler" or "cls")`);
  if (headName === 'classifier' && task !== 'conll' && pooling === 'pooler' && !checkpoint.weights['pooler.dense.weight']) {
    fail('the checkpoint has a classifier but no pooler (pooler.dense.*)');
  }
  const weights = { ...checkpoint.weights, ...checkpoint.extra };
  return {
    dir: checkpoint.dir,
    config: checkpoint.config,
    weights,
    tokenizer: loadBertTokenizer(checkpoint.dir),
    architecture,
    labelNames,
    pooling,
    finetune: (checkpoint.configJson.wb_finetune as Record<string, unknown> | undefined) ?? {},
    configJson: checkpoint.configJson,
    dispose: () => Object.values(weights).forEach((t) => t.dispose()),
  };
}
