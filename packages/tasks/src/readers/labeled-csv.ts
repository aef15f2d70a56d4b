/**
 * Sentence classification from a CSV file: one column holds the text and another the label
 * (e.g. 3-class tweet sentiment with `negative` / `neutral` / `positive`). Labels are mapped to
 * ids through a label list that does not depend on row order: the caller's `labels`, or else
 * the distinct labels sorted, so that train and dev files map the same label to the same id.
 */
import { parseCsvRecords, type CsvOptions, type CsvRecord } from './csv.js';
import { DataFormatError } from './data-format-error.js';
import type { LabeledText, LabeledTextData } from './labeled-text.js';
import { quote } from './lines.js';

export interface LabeledCsvOptions extends CsvOptions {
  /** Column of the text: a header name, or a 0-based index. */
  textColumn: string | number;
  /** Column of the label: a header name, or a 0-based index. */
  labelColumn: string | number;
  /** Whether the first record is a header; default true. Names need a header. */
  header?: boolean;
  /**
   * The label list, id = position. Give it to fix the ids across files or to reject unknown
   * labels; without it the distinct labels found are sorted (code-unit order).
   */
  labels?: string[];
}

export interface LabeledCsvData extends LabeledTextData {
  /** The header's column names, or null without a header. */
  header: string[] | null;
}

export function parseLabeledCsv(text: string, source: string, options: LabeledCsvOptions): LabeledCsvData {
  const records = parseCsvRecords(text, source, options);
  const hasHeader = options.header ?? true;
  if (records.length === 0 || (hasHeader && records.length === 1)) {
    throw new DataFormatError(source, undefined, hasHeader ? 'expected a header row and at least one data row' : 'no rows');
  }
  const header = hasHeader ? records[0].fields.map((name) => name.trim()) : null;
  const width = records[0].fields.length;
  const textIndex = resolveColumn(options.textColumn, header, width, source, records[0].line, 'text');
  const labelIndex = resolveColumn(options.labelColumn, header, width, source, records[0].line, 'label');

  const rows: { record: CsvRecord; text: string; label: string }[] = [];
  for (const record of records.slice(hasHeader ? 1 : 0)) {
    if (record.fields.length !== width) {
      const what = hasHeader ? 'the header' : 'the first row';
      throw new DataFormatError(source, record.line, `expected ${width} fields like ${what}, got ${record.fields.length}`);
    }
    const label = record.fields[labelIndex].trim();
    if (label === '') {
      throw new DataFormatError(source, record.fieldLines[labelIndex], 'expected a label, got an empty field', record.columns[labelIndex]);
    }
    rows.push({ record, text: record.fields[textIndex], label });
  }

  const labelNames = options.labels ? [...options.labels] : [...new Set(rows.map((row) => row.label))].sort();
  const ids = new Map(labelNames.map((name, id) => [name, id]));
  if (ids.size !== labelNames.length) throw new Error(`labels option has duplicates: ${JSON.stringify(labelNames)}`);
  const examples: LabeledText[] = rows.map(({ record, text: sentence, label }) => {
    const id = ids.get(label);
    if (id === undefined) {
      throw new DataFormatError(
        source,
        record.fieldLines[labelIndex],
        `unknown label ${quote(label)}; expected one of ${labelNames.map((name) => JSON.stringify(name)).join(', ')}`,
        record.columns[labelIndex],
      );
    }
    return { text: sentence, label: id, line: record.line };
  });
  return { examples, labelNames, header };
}

function resolveColumn(
  column: string | number,
  header: string[] | null,
  width: number,
  source: string,
  firstLine: number,
  role: string,
): number {
  if (typeof column === 'number') {
    if (!Number.isInteger(column) || column < 0 || column >= width) {
      throw new DataFormatError(source, firstLine, `${role} column index ${column} is out of range: rows have ${width} fields (0-based)`);
    }
    return column;
  }
  if (!header) throw new Error(`${role} column ${JSON.stringify(column)} is a name, but header is false; give an index`);
  const index = header.indexOf(column);
  if (index < 0) {
    throw new DataFormatError(source, firstLine, `no ${role} column named ${JSON.stringify(column)}; header has ${header.map((h) => JSON.stringify(h)).join(', ')}`);
  }
  return index;
}
