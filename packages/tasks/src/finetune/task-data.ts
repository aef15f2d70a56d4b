/**
 * Reading a task's data file (Node) into what its task file trains and scores on:
 * - sst2: SST-2/GLUE TSV `sentence<TAB>label` (header optional), or any TSV with --text-column/--label-column;
 * - pair: TSV `sentence1<TAB>sentence2<TAB>label` (header optional; see readers/labeled-tsv.ts);
 * - conll: CoNLL token-per-line files (the tag column found as readers/conll.ts explains);
 * - qa: SQuAD v1.1 JSON.
 * Label ids of classification data follow a given label list (the training file's, or a model's),
 * matched by name; errors name the file and line.
 */
import { DataFormatError } from '../readers/data-format-error.js';
import { readConll, readSquad, readSst2 } from '../readers/file-readers.js';
import { parseLabeledTsv } from '../readers/labeled-tsv.js';
import { readTextFile } from '../readers/text-file.js';
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
