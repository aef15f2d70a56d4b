/**
 * Tab-separated classification data with chosen columns: one text column (sentence
 * classification) or two (sentence pairs: paraphrase, entailment, question/answer-sentence), and
 * a label column. Fields are split on tabs only, with no quoting (the GLUE convention: sentences
 * hold quotes freely, never tabs).
 *
 * The sentence-pair format `wb finetune pair` reads by default is
 *
 *     sentence1<TAB>sentence2<TAB>label
 *
 * with or without that header row. The first row is a header when a column is chosen by name or
 * when the row holds a usual GLUE column name (label, sentence, sentence1, sentence2, text, text_a,
 * text_b, question, question1, question2). Without chosen columns the texts are the usual named
 * ones (sentence1/sentence2, text_a/text_b, question/sentence, question1/question2, sentence,
 * text) or else the first one or two columns, and the label is `label` or else the last column.
 *
 * Labels that are all non-negative integers are their own ids (SST-2, GLUE); other labels
 * (`entailment`, ...) get ids by sorted name, or by the caller's `labels` list, which fixes the
 * ids across train and dev files and rejects labels it does not hold.
 */
import { DataFormatError } from './data-format-error.js';
import { quote, splitLines, type Line } from './lines.js';

export interface LabeledTsvOptions {
  /** One column (a text) or two (a pair): header names or 0-based indices. */
  textColumns?: Array<string | number>;
  labelColumn?: string | number;
  /** How many text columns when they are not given (default 1). */
  texts?: 1 | 2;
  /** The label list, id = position (e.g. the model's labels, for a dev file). */
  labels?: readonly string[];
}

export interface LabeledTsvExample {
  /** One text, or the two of a pair. */
  texts: string[];
  label: number;
  /** 1-based line in the file. */
  line: number;
}

export interface LabeledTsvData {
  examples: LabeledTsvExample[];
  labelNames: string[];
  header: string[] | null;
  /** The columns used, as 0-based indices. */
  textColumns: number[];
  labelColumn: number;
}

const KNOWN_NAMES = new Set(['label', 'sentence', 'sentence1', 'sentence2', 'text', 'text_a', 'text_b', 'question', 'question1', 'question2']);
const PAIR_NAMES = [
  ['sentence1', 'sentence2'],
  ['text_a', 'text_b'],
  ['question', 'sentence'],
  ['question1', 'question2'],
];
const SINGLE_NAMES = [['sentence'], ['text']];
const INTEGER = /^\d+$/;

export function parseLabeledTsv(text: string, source: string, options: LabeledTsvOptions = {}): LabeledTsvData {
  const lines = splitLines(text).filter((line) => line.text.trim() !== '');
  if (lines.length === 0) throw new DataFormatError(source, undefined, 'no rows: expected tab-separated text and label columns');
  const first = lines[0].text.split('\t').map((field) => field.trim());
  const byName = [...(options.textColumns ?? []), options.labelColumn].some((c) => typeof c === 'string' && !INTEGER.test(c));
  const hasHeader = byName || first.some((field) => KNOWN_NAMES.has(field.toLowerCase()));
  const header = hasHeader ? first : null;
  const width = first.length;
  const textCount = options.textColumns?.length ?? options.texts ?? 1;
  if (textCount !== 1 && textCount !== 2) throw new Error(`expected 1 or 2 text columns, got ${textCount}`);
  if (width < textCount + 1) {
    throw new DataFormatError(source, lines[0].number, `expected ${textCount + 1} tab-separated fields (${textCount === 2 ? 'text, text, label' : 'text, label'}), got ${width}`);
  }

  const column = (c: string | number, role: string) => resolveColumn(c, header, width, source, lines[0], role);
  const labelColumn = options.labelColumn !== undefined ? column(options.labelColumn, 'label') : defaultLabelColumn(header, width);
  const textColumns = options.textColumns
    ? options.textColumns.map((c) => column(c, 'text'))
    : defaultTextColumns(header, width, textCount, labelColumn);
  if (textColumns.includes(labelColumn) || new Set(textColumns).size !== textColumns.length) {
    throw new DataFormatError(source, lines[0].number, `the text column(s) ${textColumns.join(', ')} and label column ${labelColumn} must differ`);
  }

  const rows: { texts: string[]; label: string; line: Line }[] = [];
  for (const line of lines.slice(hasHeader ? 1 : 0)) {
    const fields = line.text.split('\t');
    if (fields.length !== width) {
      const hint = fields.length > width ? ' (a tab inside a text?)' : '';
      throw new DataFormatError(source, line.number, `expected ${width} tab-separated fields like line ${lines[0].number}, got ${fields.length}${hint}`);
    }
    const startColumn = (index: number) => fields.slice(0, index).reduce((sum, field) => sum + field.length + 1, 1);
    const texts = textColumns.map((c) => {
      const value = fields[c].trim();
      if (value === '') throw new DataFormatError(source, line.number, `expected a text in column ${c + 1}, got an empty field`, startColumn(c));
      return value;
    });
    const label = fields[labelColumn].trim();
    if (label === '') throw new DataFormatError(source, line.number, 'expected a label, got an empty field', startColumn(labelColumn));
    rows.push({ texts, label, line });
  }
  if (rows.length === 0) throw new DataFormatError(source, undefined, 'a header but no rows');

  const labelNames = options.labels
    ? [...options.labels]
    : rows.every((row) => INTEGER.test(row.label))
      ? Array.from({ length: Math.max(...rows.map((row) => Number(row.label))) + 1 }, (_, i) => String(i))
      : [...new Set(rows.map((row) => row.label))].sort();
  const ids = new Map(labelNames.map((name, id) => [name, id]));
  const examples = rows.map(({ texts, label, line }) => {
    // "01" and "1" are the same integer label.
    const id = ids.get(label) ?? (INTEGER.test(label) ? ids.get(String(Number(label))) : undefined);
    if (id === undefined) {
      const shown = labelNames.length > 20 ? `${labelNames.slice(0, 20).join(', ')}, ...` : labelNames.join(', ');
      throw new DataFormatError(source, line.number, `unknown label ${quote(label)}; expected one of ${shown}`);
    }
    return { texts, label: id, line: line.number };
  });
  return { examples, labelNames, header, textColumns, labelColumn };
}

function defaultLabelColumn(header: string[] | null, width: number): number {
  const named = header ? header.findIndex((name) => name.toLowerCase() === 'label') : -1;
  return named >= 0 ? named : width - 1;
}

function defaultTextColumns(header: string[] | null, width: number, count: number, labelColumn: number): number[] {
  if (header) {
    const lower = header.map((name) => name.toLowerCase());
    for (const names of count === 2 ? PAIR_NAMES : SINGLE_NAMES) {
      const found = names.map((name) => lower.indexOf(name));
      if (found.every((index) => index >= 0)) return found;
    }
  }
  return Array.from({ length: width }, (_, i) => i)
    .filter((i) => i !== labelColumn)
    .slice(0, count);
}

function resolveColumn(column: string | number, header: string[] | null, width: number, source: string, first: Line, role: string): number {
  if (typeof column === 'number') {
    if (!Number.isInteger(column) || column < 0 || column >= width) {
      throw new DataFormatError(source, first.number, `${role} column ${column} is out of range: rows have ${width} fields (0-based)`);
    }
    return column;
  }
  // A string of digits is an index too (command-line options arrive as strings).
  if (/^\d+$/.test(column) && !(header ?? []).includes(column)) return resolveColumn(Number(column), header, width, source, first, role);
  const index = header ? header.indexOf(column) : -1;
  if (index < 0) {
    throw new DataFormatError(source, first.number, `no ${role} column named ${JSON.stringify(column)}; the header has ${(header ?? []).map((h) => JSON.stringify(h)).join(', ')}`);
  }
  return index;
}
