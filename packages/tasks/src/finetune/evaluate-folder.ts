/**
 * `wb eval sst2|pair|conll|qa` (Node): a fine-tuned folder (ours or one Transformers wrote) scored
 * on a data file. Lengths and QA windows default to what `wb finetune` recorded in config.json,
 * else to the model's full position table.
 */
import { evaluateClassification, encodeClassificationInputs } from './classification-task.js';
import { isFinetunedElmoFolder, loadFinetunedElmo } from './elmo-folder.js';
import { evaluateElmoClassification, evaluateElmoTokens } from './elmo-task.js';
import { loadFinetunedBert } from './finetuned-folder.js';
import { evaluateQa } from './qa-task.js';
import { readTaskData, relabel, type ColumnOptions, type TaskData } from './task-data.js';
import type { FinetuneTaskName, Metrics } from './task.js';
import { encodeWordSequences } from '../heads/word-labels.js';
import { encodeQaWindows } from '../heads/qa-windows.js';
import { evaluateTokenClassification } from './token-task.js';

export interface EvaluateFolderOptions extends ColumnOptions {
  batchSize?: number;
  maxLength?: number;
  docStride?: number;
  maxAnswerLength?: number;
  /** Told how many model inputs there will be (for a progress bar), then after each batch. */
  onTotal?: (inputs: number) => void;
  onBatch?: (inputs: number) => void;
}

export async function evaluateFolder(task: FinetuneTaskName, modelDir: string, dataPath: string, options: EvaluateFolderOptions = {}): Promise<Metrics> {
  const data = readTaskData(task, dataPath, options);
  if (isFinetunedElmoFolder(modelDir)) return evaluateElmoFolder(task, modelDir, data, dataPath, options);
  const model = loadFinetunedBert(modelDir, task);
  try {
    const recorded = model.finetune;
    const number = (key: string) => (typeof recorded[key] === 'number' ? (recorded[key] as number) : undefined);
    const maxLength = Math.min(options.maxLength ?? number('max_length') ?? model.config.maxPositionEmbeddings, model.config.maxPositionEmbeddings);
    const common = { batchSize: options.batchSize, onBatch: options.onBatch, maxLength };
    if (data.kind === 'classification') {
      const examples = relabel(data.examples, data.labelNames, model.labelNames, dataPath);
      const inputs = encodeClassificationInputs(model.tokenizer, examples, maxLength);
      options.onTotal?.(inputs.length);
      return await evaluateClassification(model, examples, { ...common, pooling: model.pooling, inputs });
    }
    if (data.kind === 'tokens') {
      const chunks = encodeWordSequences(model.tokenizer, data.sentences.map((s) => ({ words: s.tokens })), maxLength);
      options.onTotal?.(chunks.length);
      return await evaluateTokenClassification(model, data.sentences, model.labelNames, { ...common, chunks });
    }
    const qa = {
      docStride: options.docStride ?? number('doc_stride'),
      maxAnswerLength: options.maxAnswerLength ?? number('max_answer_length'),
      maxQuestionLength: number('max_question_length'),
    };
    const windows = encodeQaWindows(model.tokenizer, data.questions, { maxLength, ...qa });
    options.onTotal?.(windows.length);
    return await evaluateQa(model, data.questions, { ...common, ...qa, windows });
  } finally {
    model.dispose();
  }
}

/** A folder from `wb finetune` with an ELMo backbone: the frozen biLM + the saved mix and classifier. */
async function evaluateElmoFolder(task: FinetuneTaskName, modelDir: string, data: TaskData, dataPath: string, options: EvaluateFolderOptions): Promise<Metrics> {
  const finetuned = await loadFinetunedElmo(modelDir, task);
  try {
    const { model, head, config } = finetuned;
    const common = { batchSize: options.batchSize, onBatch: options.onBatch };
    if (data.kind === 'classification') {
      const examples = relabel(data.examples, data.labelNames, config.labels, dataPath);
      options.onTotal?.(examples.length);
      return await evaluateElmoClassification(model, head, examples, common);
    }
    if (data.kind === 'tokens') {
      options.onTotal?.(data.sentences.length);
      return await evaluateElmoTokens(model, head, data.sentences, config.labels, common);
    }
    throw new Error(`${modelDir}: an ELMo folder cannot be scored on ${task}`);
  } finally {
    finetuned.dispose();
  }
}
