/**
 * Senseval-style lexical-sample data (the "hard", "interest", "line", "serve" corpora): one TSV
 * file per target word, a header line, then one tagged instance per line:
 *
 *   instance_id <TAB> sense <TAB> target_index <TAB> tokens
 *
 * `tokens` are space-separated words and `target_index` (0-based) points at the target word in
 * them ("lines" or "line" for the word line). Browser-safe: the caller reads the file.
 */
import { DataFormatError } from './data-format-error.js';
import { quote, splitLines } from './lines.js';

export interface SensevalInstance {
  id: string;
  sense: string;
  words: string[];
  target: number;
  /** 1-based line in the file, for error messages. */
  line: number;
}

const SENSEVAL_COLUMNS = ['instance_id', 'sense', 'target_index', 'tokens'] as const;

/** Parses one Senseval TSV. `file` names the source in errors ("line.tsv:12: ..."). */
export function parseSenseval(text: string, file = 'Senseval TSV'): SensevalInstance[] {
  const rows = splitLines(text);
  // Blank lines at the end are an editor's extra newline, not instances.
  while (rows.length > 0 && rows[rows.length - 1].text.trim() === '') rows.pop();
  const expected = SENSEVAL_COLUMNS.join('<TAB>');
  if (rows.length === 0) throw new DataFormatError(file, undefined, `empty file (expected the header ${expected})`);
  const header = rows[0].text.split('\t');
  if (header.length !== SENSEVAL_COLUMNS.length || header.some((name, i) => name.trim() !== SENSEVAL_COLUMNS[i])) {
    throw new DataFormatError(file, 1, `expected the header ${expected}, got ${quote(rows[0].text.replace(/\t/g, '<TAB>'), 80)}`);
  }
  return rows.slice(1).map(({ number: line, text: row }) => {
    const columns = row.split('\t');
    if (columns.length !== SENSEVAL_COLUMNS.length) {
      throw new DataFormatError(file, line, `expected ${SENSEVAL_COLUMNS.length} tab-separated columns (${SENSEVAL_COLUMNS.join(', ')}), got ${columns.length}`);
    }
    const [id, sense, rawTarget, tokens] = columns;
    if (sense.trim() === '') throw new DataFormatError(file, line, 'empty sense');
    if (tokens.trim() === '') throw new DataFormatError(file, line, 'no tokens');
    const words = tokens.trim().split(/ +/);
    if (!/^\d+$/.test(rawTarget.trim())) throw new DataFormatError(file, line, `target_index ${quote(rawTarget)} is not a non-negative integer`);
    const target = Number(rawTarget.trim());
    if (target >= words.length) {
      throw new DataFormatError(file, line, `target_index ${target} is out of range (the line has ${words.length} tokens)`);
    }
    return { id, sense: sense.trim(), words, target, line };
  });
}
