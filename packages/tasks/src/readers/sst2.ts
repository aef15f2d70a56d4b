/**
 * SST-2 / GLUE-style sentence classification TSV: `sentence<TAB>label`, one example a line.
 *
 * GLUE's own files start with a `sentence\tlabel` header; the shared SST-2 copy has none. The
 * header is detected rather than configured: the first row is a header when its last field is
 * not an integer (`label`, say). With a header the `sentence` (or `text`) and `label` columns
 * are found by name, so GLUE files with extra columns read too.
 */
import { DataFormatError } from './data-format-error.js';
import type { LabeledText, LabeledTextData } from './labeled-text.js';
import { quote, splitLines } from './lines.js';

export interface Sst2Data extends LabeledTextData {
  /** The header row's column names, or null when the file has none. */
  header: string[] | null;
}

const INTEGER = /^[+-]?\d+$/;

export function parseSst2(text: string, source = 'sst2.tsv'): Sst2Data {
  const lines = splitLines(text).filter((line) => line.text.trim() !== '');
  if (lines.length === 0) throw new DataFormatError(source, undefined, 'no rows: expected `sentence<TAB>label` lines');

  const first = lines[0].text.split('\t');
  // A data row always ends in an integer label, so any other last field (`label` included) is a header.
  const hasHeader = first.length >= 2 && !INTEGER.test(first[first.length - 1].trim());
  let textColumn = 0;
  let labelColumn = 1;
  const width = hasHeader ? first.length : 2;
  if (hasHeader) {
    const named = (...names: string[]) => first.findIndex((name) => names.includes(name.trim().toLowerCase()));
    textColumn = named('sentence', 'text');
    labelColumn = named('label');
    if (textColumn < 0) textColumn = 0;
    if (labelColumn < 0) labelColumn = first.length - 1;
    if (textColumn === labelColumn) {
      throw new DataFormatError(source, lines[0].number, `header ${quote(lines[0].text)} has no separate sentence and label columns`);
    }
  }

  const examples: LabeledText[] = [];
  let maxLabel = -1;
  for (const line of lines.slice(hasHeader ? 1 : 0)) {
    const fields = line.text.split('\t');
    if (fields.length !== width) {
      const expected = hasHeader ? `${width} tab-separated fields like the header` : '2 tab-separated fields (sentence, label)';
      const hint = fields.length > width ? ' (a tab inside the sentence?)' : '';
      throw new DataFormatError(source, line.number, `expected ${expected}, got ${fields.length}${hint}`);
    }
    const column = (index: number) => fields.slice(0, index).reduce((sum, field) => sum + field.length + 1, 1);
    const sentence = fields[textColumn].trim();
    if (sentence === '') throw new DataFormatError(source, line.number, 'expected a sentence, got an empty field', column(textColumn));
    const raw = fields[labelColumn].trim();
    const label = Number(raw);
    if (!INTEGER.test(raw) || label < 0) {
      throw new DataFormatError(source, line.number, `expected a non-negative integer label, got ${quote(raw)}`, column(labelColumn));
    }
    maxLabel = Math.max(maxLabel, label);
    examples.push({ text: sentence, label, line: line.number });
  }
  if (examples.length === 0) throw new DataFormatError(source, undefined, 'a header but no rows');

  // Label ids are the integers in the file, so their names are those integers as written.
  const labelNames = Array.from({ length: maxLabel + 1 }, (_, i) => String(i));
  return { examples, labelNames, header: hasHeader ? first.map((name) => name.trim()) : null };
}
