/**
 * RFC 4180 CSV: fields separated by a delimiter, records by CRLF or LF; a field in double
 * quotes may hold the delimiter, line breaks and doubled quotes (`""` for `"`). Quoting is
 * strict, because a stray quote usually means a broken export and silently keeping it would
 * merge or split rows: a quote inside an unquoted field, or text after a closing quote, is an
 * error at its line and column.
 */
import { DataFormatError } from './data-format-error.js';

export interface CsvRecord {
  fields: string[];
  /** 1-based line on which the record starts (a quoted field may span several lines). */
  line: number;
  /** 1-based column where each field starts, on the record's lines. */
  columns: number[];
  /** 1-based line where each field starts. */
  fieldLines: number[];
}

export interface CsvOptions {
  /** One character; default `,`. */
  delimiter?: string;
}

/** Parses CSV text into records. Completely empty lines are skipped; they are not records. */
export function parseCsvRecords(text: string, source = 'input.csv', options: CsvOptions = {}): CsvRecord[] {
  const delimiter = options.delimiter ?? ',';
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
    throw new Error(`CSV delimiter must be one character other than a quote or line break, got ${JSON.stringify(delimiter)}`);
  }
  const records: CsvRecord[] = [];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  let lineStart = i;

  while (i < text.length) {
    // One record per iteration of this loop.
    if (text[i] === '\n' || (text[i] === '\r' && text[i + 1] === '\n')) {
      i += text[i] === '\r' ? 2 : 1;
      line++;
      lineStart = i;
      continue;
    }
    const record: CsvRecord = { fields: [], line, columns: [], fieldLines: [] };
    for (;;) {
      // One field per iteration.
      record.columns.push(i - lineStart + 1);
      record.fieldLines.push(line);
      let value = '';
      if (text[i] === '"') {
        const openLine = line;
        const openColumn = i - lineStart + 1;
        i++;
        for (;;) {
          if (i >= text.length) {
            throw new DataFormatError(source, openLine, 'quoted field is never closed (expected a closing `"`)', openColumn);
          }
          const ch = text[i];
          if (ch === '"') {
            if (text[i + 1] === '"') {
              value += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (ch === '\n') {
            line++;
            lineStart = i + 1;
          }
          value += ch;
          i++;
        }
        const next = text[i];
        if (i < text.length && next !== delimiter && next !== '\n' && !(next === '\r' && text[i + 1] === '\n')) {
          throw new DataFormatError(
            source,
            line,
            `expected ${JSON.stringify(delimiter)} or end of line after a closing quote, got ${JSON.stringify(next)}`,
            i - lineStart + 1,
          );
        }
      } else {
        const start = i;
        while (i < text.length && text[i] !== delimiter && text[i] !== '\n' && !(text[i] === '\r' && text[i + 1] === '\n')) {
          if (text[i] === '"') {
            throw new DataFormatError(
              source,
              line,
              'unexpected `"` inside an unquoted field (quote the whole field and double the inner quotes)',
              i - lineStart + 1,
            );
          }
          i++;
        }
        value = text.slice(start, i);
      }
      record.fields.push(value);
      if (text[i] === delimiter) {
        i++;
        continue;
      }
      break; // end of line or of text
    }
    records.push(record);
  }
  return records;
}
