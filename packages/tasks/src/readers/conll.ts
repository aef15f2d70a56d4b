/**
 * CoNLL token-per-line files (CoNLL-2000/2003 NER and chunking): `token ... tag`, columns
 * separated by whitespace, a blank line between sentences, `-DOCSTART-` lines between
 * documents (skipped: they are not sentences).
 *
 * The tag is the last column, with one exception: trailing columns holding only integers are
 * passed over. The shared CoNLL-2003 copy is written `token tag 0` (a constant `0` column after
 * the tag), and taking `0` as every token's tag would train a model on nothing without any
 * error. `tagColumn` overrides the choice, and the result reports the column used.
 */
import { DataFormatError } from './data-format-error.js';
import { splitLines } from './lines.js';

export interface ConllSentence {
  tokens: string[];
  tags: string[];
  /** 1-based line of the sentence's first token. */
  line: number;
}

export interface ConllOptions {
  /** 0-based column of the tag; negative counts from the end (-1 is the last column). */
  tagColumn?: number;
}

export interface ConllData {
  sentences: ConllSentence[];
  /** 0-based column the tags were read from. */
  tagColumn: number;
  /** Columns per token line. */
  columns: number;
}

const INTEGER = /^[+-]?\d+$/;

export function parseConll(text: string, source = 'input.conll', options: ConllOptions = {}): ConllData {
  // Pass 1: split token lines into columns, checking that every line has as many as the first.
  type Row = { number: number; columns: string[] } | null; // null = sentence boundary
  const rows: Row[] = [];
  let width = 0;
  let widthLine = 0;
  for (const line of splitLines(text)) {
    const trimmed = line.text.trim();
    if (trimmed === '') {
      rows.push(null);
      continue;
    }
    const columns = trimmed.split(/\s+/);
    if (columns[0] === '-DOCSTART-') {
      rows.push(null);
      continue;
    }
    if (columns.length < 2) {
      throw new DataFormatError(source, line.number, `expected \`token ... tag\` (at least 2 whitespace-separated columns), got 1: ${JSON.stringify(trimmed)}`);
    }
    if (width === 0) {
      width = columns.length;
      widthLine = line.number;
    } else if (columns.length !== width) {
      throw new DataFormatError(source, line.number, `expected ${width} columns like line ${widthLine}, got ${columns.length}`);
    }
    rows.push({ number: line.number, columns });
  }
  const tokenRows = rows.filter((row): row is { number: number; columns: string[] } => row !== null);
  if (tokenRows.length === 0) throw new DataFormatError(source, undefined, 'no token lines: expected `token ... tag` lines');

  const tagColumn = chooseTagColumn(tokenRows, width, source, options.tagColumn);

  // Pass 2: group into sentences.
  const sentences: ConllSentence[] = [];
  let current: ConllSentence | null = null;
  for (const row of rows) {
    if (row === null) {
      if (current) sentences.push(current);
      current = null;
      continue;
    }
    current ??= { tokens: [], tags: [], line: row.number };
    current.tokens.push(row.columns[0]);
    current.tags.push(row.columns[tagColumn]);
  }
  if (current) sentences.push(current);
  return { sentences, tagColumn, columns: width };
}

function chooseTagColumn(rows: { columns: string[] }[], width: number, source: string, requested?: number): number {
  if (requested !== undefined) {
    const index = requested < 0 ? width + requested : requested;
    if (!Number.isInteger(requested) || index < 1 || index >= width) {
      throw new DataFormatError(source, undefined, `tagColumn ${requested} is out of range for ${width} columns (column 0 is the token)`);
    }
    return index;
  }
  let index = width - 1;
  while (index > 1 && rows.every((row) => INTEGER.test(row.columns[index]))) index--;
  return index;
}
