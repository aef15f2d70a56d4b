/**
 * `wb eval sst2|pair|csv|conll|qa` (Node): a fine-tuned folder (ours or one Transformers wrote)
 * scored on a data file. Lengths and QA windows default to what `wb finetune` recorded in
 * config.json, else to the model's full position table. A model fine-tuned with `--split` is
 * scored on the same held-out rows of the file (the split and seed it recorded), and
 * classification scores come with the majority-class baseline on the same rows.
 */
import { classificationMetrics, evaluateClassification, encodeClassificationInputs } from './classification-task.js';
import { isFinetunedElmoFolder, loadFinetunedElmo, type FinetunedElmo } from './elmo-folder.js';
import { evaluateElmoClassification, evaluateElmoTokens } from './elmo-task.js';
import { reportingEvaluation } from './evaluation-progress.js';
import { loadFinetunedBert } from './finetuned-folder.js';
import { evaluateQa } from './qa-task.js';
import { majorityLabel, readTaskData, relabel, splitTaskData, type ColumnOptions, type TaskData } from './task-data.js';
import type { FinetuneTaskName, Metrics } from './task.js';
import { encodeWordSequences } from '../heads/word-labels.js';
import { encodeQaWindows } from '../heads/qa-windows.js';
import { evaluateTokenClassification } from './token-task.js';

export interface EvaluateFolderOptions extends ColumnOptions {
  /** Score the held-out 1 − split of the file's seeded split (default: the split the model was fine-tuned with, if any). */
  split?: number;
  /** Seed of that split (default: the one recorded). */
  seed?: number;
  /** Score every row, even when the model was fine-tuned on a split. */
  all?: boolean;
  batchSize?: number;
  maxLength?: number;
  docStride?: number;
  maxAnswerLength?: number;
  /** Told how many model inputs there will be (for a progress bar), then after each batch. */
  onTotal?: (inputs: number) => void;
  onBatch?: (inputs: number) => void;
}

export interface MajorityBaseline {
  label: string;
  accuracy: number;
  macro_f1: number;
  /** Where the label came from: recorded by `wb finetune`, the training part of the split, or the scored rows themselves. */
  from: 'fine-tuning' | 'split' | 'scored rows';
}

export interface FolderScores {
  metrics: Metrics;
  /** Classification: always answering the majority label, on the same rows. */
  majorityBaseline?: MajorityBaseline;
  /** Which rows were scored: all of them, or the held-out part of a split. */
  rows: { scored: number; of: number; split?: number; seed?: number };
}

/** The model's metrics on the data file (see scoreFolder for the baseline and the rows scored). */
export async function evaluateFolder(task: FinetuneTaskName, modelDir: string, dataPath: string, options: EvaluateFolderOptions = {}): Promise<Metrics> {
  return (await scoreFolder(task, modelDir, dataPath, options)).metrics;
}

export async function scoreFolder(task: FinetuneTaskName, modelDir: string, dataPath: string, options: EvaluateFolderOptions = {}): Promise<FolderScores> {
  const reporting = reportingEvaluation(options);
  const scores = await scoreFolderQuietly(task, modelDir, dataPath, reporting.options);
  reporting.finish();
  return scores;
}

async function scoreFolderQuietly(task: FinetuneTaskName, modelDir: string, dataPath: string, options: EvaluateFolderOptions): Promise<FolderScores> {
  const file = readTaskData(task, dataPath, options);
  if (isFinetunedElmoFolder(modelDir)) {
    const finetuned = await loadFinetunedElmo(modelDir, task);
    try {
      const chosen = chooseRows(file, dataPath, finetuned.config.wb_finetune ?? {}, options);
      return await scoreElmo(finetuned, chosen, dataPath, options);
    } finally {
      finetuned.dispose();
    }
  }
  const model = loadFinetunedBert(modelDir, task);
  try {
    const recorded = model.finetune;
    const number = (key: string) => (typeof recorded[key] === 'number' ? (recorded[key] as number) : undefined);
    const chosen = chooseRows(file, dataPath, recorded, options);
    const data = chosen.data;
    const maxLength = Math.min(options.maxLength ?? number('max_length') ?? model.config.maxPositionEmbeddings, model.config.maxPositionEmbeddings);
    const common = { batchSize: options.batchSize, onBatch: options.onBatch, maxLength };
    if (data.kind === 'classification') {
      const examples = relabel(data.examples, data.labelNames, model.labelNames, dataPath);
      const inputs = encodeClassificationInputs(model.tokenizer, examples, maxLength);
      options.onTotal?.(inputs.length);
      const metrics = await evaluateClassification(model, examples, { ...common, pooling: model.pooling, inputs });
      return { metrics, majorityBaseline: majorityOn(examples, model.labelNames, recorded, chosen, dataPath), rows: chosen.rows };
    }
    if (data.kind === 'tokens') {
      const chunks = encodeWordSequences(model.tokenizer, data.sentences.map((s) => ({ words: s.tokens })), maxLength);
      options.onTotal?.(chunks.length);
      return { metrics: await evaluateTokenClassification(model, data.sentences, model.labelNames, { ...common, chunks }), rows: chosen.rows };
    }
    const qa = {
      docStride: options.docStride ?? number('doc_stride'),
      maxAnswerLength: options.maxAnswerLength ?? number('max_answer_length'),
      maxQuestionLength: number('max_question_length'),
    };
    const windows = encodeQaWindows(model.tokenizer, data.questions, { maxLength, ...qa });
    options.onTotal?.(windows.length);
    return { metrics: await evaluateQa(model, data.questions, { ...common, ...qa, windows }), rows: chosen.rows };
  } finally {
    model.dispose();
  }
}

interface ChosenRows {
  data: TaskData;
  /** The training part of the split, when the rows are its held-out part. */
  train?: TaskData;
  rows: FolderScores['rows'];
}

/**
 * All rows, or the held-out part of the seeded split the model was fine-tuned with (or the one
 * asked for). A recorded split is only reused on a file of the size it was made on: the same
 * fraction of another file would be other rows, and silently so.
 */
function chooseRows(file: TaskData, dataPath: string, recorded: Record<string, unknown>, options: EvaluateFolderOptions): ChosenRows {
  const size = file.kind === 'classification' ? file.examples.length : file.kind === 'tokens' ? file.sentences.length : file.questions.length;
  const recordedSplit = typeof recorded.split === 'number' ? recorded.split : undefined;
  const split = options.all ? undefined : (options.split ?? recordedSplit);
  if (split === undefined) return { data: file, rows: { scored: size, of: size } };
  const seed = options.seed ?? (typeof recorded.seed === 'number' ? recorded.seed : 0);
  const recordedRows = typeof recorded.split_rows === 'number' ? recorded.split_rows : undefined;
  if (options.split === undefined && recordedRows !== undefined && recordedRows !== size) {
    throw new Error(
      `${dataPath}: ${size} rows, but the model was fine-tuned on a split of a ${recordedRows}-row file (${recorded.split}, seed ${seed}); ` +
        'pass --all to score every row, or --split to split this file',
    );
  }
  const parts = splitTaskData(file, split, seed, dataPath);
  const scored = parts.dev.kind === 'classification' ? parts.dev.examples.length : 0;
  return { data: parts.dev, train: parts.train, rows: { scored, of: size, split, seed } };
}

/** The majority baseline on the scored rows: the label wb finetune recorded, else the split's training part's, else the rows' own. */
function majorityOn(
  examples: readonly { label: number }[],
  labelNames: readonly string[],
  recorded: Record<string, unknown>,
  chosen: ChosenRows,
  dataPath: string,
): MajorityBaseline {
  let from: MajorityBaseline['from'];
  let label: number;
  if (typeof recorded.majority_label === 'string' && labelNames.includes(recorded.majority_label)) {
    [from, label] = ['fine-tuning', labelNames.indexOf(recorded.majority_label)];
  } else if (chosen.train?.kind === 'classification') {
    [from, label] = ['split', majorityLabel(relabel(chosen.train.examples, chosen.train.labelNames, labelNames, dataPath))];
  } else {
    [from, label] = ['scored rows', majorityLabel(examples)];
  }
  const metrics = classificationMetrics(examples.map((e) => e.label), examples.map(() => label));
  return { label: labelNames[label], accuracy: metrics.accuracy, macro_f1: metrics.macro_f1, from };
}

/** A folder from `wb finetune` with an ELMo backbone: the frozen biLM + the saved mix and classifier. */
async function scoreElmo(finetuned: FinetunedElmo, chosen: ChosenRows, dataPath: string, options: EvaluateFolderOptions): Promise<FolderScores> {
  const { model, head, config } = finetuned;
  const { data } = chosen;
  const common = { batchSize: options.batchSize, onBatch: options.onBatch };
  if (data.kind === 'classification') {
    const examples = relabel(data.examples, data.labelNames, config.labels, dataPath);
    options.onTotal?.(examples.length);
    const metrics = await evaluateElmoClassification(model, head, examples, common);
    return { metrics, majorityBaseline: majorityOn(examples, config.labels, config.wb_finetune ?? {}, chosen, dataPath), rows: chosen.rows };
  }
  if (data.kind === 'tokens') {
    options.onTotal?.(data.sentences.length);
    return { metrics: await evaluateElmoTokens(model, head, data.sentences, config.labels, common), rows: chosen.rows };
  }
  throw new Error(`${dataPath}: an ELMo folder cannot be scored on ${config.task} data of this kind`);
}
