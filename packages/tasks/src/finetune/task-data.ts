/**
 * Reading a task's data file (Node) into what its task file trains and scores on:
 * - sst2: SST-2/GLUE TSV `sentence<TAB>label` (header optional), or any TSV with --text-column/--label-column;
 * - pair: TSV `sentence1<TAB>sentence2<TAB>label` (header optional; see readers/labeled-tsv.ts);
 * - conll: CoNLL token-per-line files (the tag column found as readers/conll.ts explains);
 * - qa: SQuAD v1.1 JSON;
 * - csv: RFC 4180 CSV with a header, text and label columns chosen by name or 0-based index
 *   (default `text` and `label`); labels are any strings (`Negative`, `Neutral`, `Positive`).
 * Label ids of classification data follow a given label list (the training file's, or a model's),
 * matched by name; errors name the file and line.
 */
import { DataFormatError } from '../readers/data-format-error.js';
import { readConll, readLabeledCsv, readSquad, readSst2 } from '../readers/file-readers.js';
import { parseLabeledTsv } from '../readers/labeled-tsv.js';
import { readTextFile } from '../readers/text-file.js';
import { trainTestSplit } from '../train-test-split.js';
import type { QaExample } from '../heads/qa-windows.js';
import type { ClassificationExample } from './classification-task.js';
import type { FinetuneTaskName } from './task.js';
import type { TaggedSentence } from './token-task.js';

export interface ColumnOptions {
  /** sst2: one column; pair: two, comma-separated ("sentence1,sentence2"). Names need a header; numbers are 0-based. */
  textColumn?: string;
  labelColumn?: string;
}

export type TaskData =
  | { kind: 'classification'; examples: (ClassificationExample & { line: number })[]; labelNames: string[] }
  | { kind: 'tokens'; sentences: (TaggedSentence & { line: number })[] }
  | { kind: 'qa'; questions: (QaExample & { answers: { text: string; start: number }[] })[] };

export function readTaskData(task: FinetuneTaskName, path: string, columns: ColumnOptions = {}): TaskData {
  switch (task) {
    case 'sst2':
    case 'pair': {
      if (task === 'sst2' && columns.textColumn === undefined && columns.labelColumn === undefined) {
        const data = readSst2(path);
        return { kind: 'classification', examples: data.examples.map(({ text, label, line }) => ({ text, label, line })), labelNames: data.labelNames };
      }
      const textColumns = columns.textColumn?.split(',').map((c) => c.trim());
      if (textColumns && textColumns.length !== (task === 'pair' ? 2 : 1)) {
        throw new Error(`--text-column ${JSON.stringify(columns.textColumn)}: ${task} takes ${task === 'pair' ? 'two columns, comma-separated' : 'one column'}`);
      }
      const data = parseLabeledTsv(readTextFile(path), path, { textColumns, labelColumn: columns.labelColumn, texts: task === 'pair' ? 2 : 1 });
      return {
        kind: 'classification',
        examples: data.examples.map(({ texts, label, line }) => ({ text: texts[0], ...(texts[1] !== undefined ? { textPair: texts[1] } : {}), label, line })),
        labelNames: data.labelNames,
      };
    }
    case 'csv': {
      const column = (c: string) => (/^\d+$/.test(c.trim()) ? Number(c) : c);
      const data = readLabeledCsv(path, { textColumn: column(columns.textColumn ?? 'text'), labelColumn: column(columns.labelColumn ?? 'label') });
      return { kind: 'classification', examples: data.examples.map(({ text, label, line }) => ({ text, label, line })), labelNames: data.labelNames };
    }
    case 'conll':
      return { kind: 'tokens', sentences: readConll(path).sentences };
    case 'qa':
      return { kind: 'qa', questions: readSquad(path).questions };
  }
}

/**
 * Re-expresses label ids of `examples` (ids into `fileLabels`) as ids into `labels`, by name. When
 * the file's labels are integers and the list's are names (a model trained with id2label
 * {0: "negative", ...}), an integer is taken as the id itself.
 */
export function relabel<E extends { label: number; line: number }>(examples: E[], fileLabels: readonly string[], labels: readonly string[], source: string): E[] {
  const byName = new Map(labels.map((name, id) => [name, id]));
  const integersAsIds = fileLabels.every((name) => /^\d+$/.test(name)) && !fileLabels.every((name) => byName.has(name));
  return examples.map((example) => {
    const name = fileLabels[example.label];
    const id = byName.get(name) ?? (integersAsIds && Number(name) < labels.length ? Number(name) : undefined);
    if (id === undefined) {
      throw new DataFormatError(source, example.line, `label ${JSON.stringify(name)} is not one of the model's labels (${labels.map((l) => JSON.stringify(l)).join(', ')})`);
    }
    return { ...example, label: id };
  });
}

/**
 * A seeded split of one classification file into training and dev rows: `trainFraction` of them
 * train and the rest (rounded up, as trainTestSplit does) score; both keep the file's order and
 * labels. The same file, fraction and seed always give the same rows, so `wb eval` finds the dev
 * part of a `wb finetune --split` run again.
 */
export function splitTaskData(data: TaskData, trainFraction: number, seed: number, source: string): { train: TaskData; dev: TaskData } {
  if (data.kind !== 'classification') throw new Error(`${source}: --split divides classification data only; give a --dev file`);
  if (!(trainFraction > 0 && trainFraction < 1)) throw new Error(`split must be a fraction in (0, 1), got ${trainFraction}`);
  const { train, test } = trainTestSplit(data.examples.length, 1 - trainFraction, seed);
  const pick = (indices: number[]) => indices.sort((a, b) => a - b).map((i) => data.examples[i]);
  return { train: { ...data, examples: pick(train) }, dev: { ...data, examples: pick(test) } };
}

/** The first `limit` examples (sentences, questions) of the data, for a quick run. */
export function limitTaskData(data: TaskData, limit: number): TaskData {
  switch (data.kind) {
    case 'classification':
      return { ...data, examples: data.examples.slice(0, limit) };
    case 'tokens':
      return { ...data, sentences: data.sentences.slice(0, limit) };
    case 'qa':
      return { ...data, questions: data.questions.slice(0, limit) };
  }
}

/** The most frequent label of classification examples (the lowest id on a tie). */
export function majorityLabel(examples: readonly { label: number }[]): number {
  if (examples.length === 0) throw new Error('majorityLabel: no examples');
  const counts = new Map<number, number>();
  for (const { label } of examples) counts.set(label, (counts.get(label) ?? 0) + 1);
  return [...counts].reduce((best, entry) => (entry[1] > best[1] || (entry[1] === best[1] && entry[0] < best[0]) ? entry : best))[0];
}
