/**
 * WiC (Word-in-Context, Pilehvar & Camacho-Collados 2019): does a word mean the same in two
 * sentences? A split is two files read line by line together:
 *
 *   NAME.data.txt   word <TAB> PoS <TAB> i1-i2 <TAB> sentence1 <TAB> sentence2
 *   NAME.gold.txt   T or F
 *
 * i1 / i2 are 0-based indices of the target word in the sentences split on spaces (the
 * sentences are already tokenised, so "carries" may be the target of "carry").
 * Browser-safe: the caller reads the files (see sense/load-data.ts for Node).
 */
import { DataFormatError } from './data-format-error.js';
import { quote, splitLines } from './lines.js';

export interface WicExample {
  /** The lemma asked about ("carry"). */
  word: string;
  /** Part of speech as given (N or V). */
  pos: string;
  /** Both sentences as words (split on spaces) and the target word's index in each. */
  sentences: [string[], string[]];
  targets: [number, number];
  /** Same meaning in both sentences (gold T); undefined when no gold file was read. */
  label?: boolean;
  /** 1-based line in the data file, for error messages. */
  line: number;
}

/** Lines without the blank ones at the end (an editor's extra newline); a blank line elsewhere is an error. */
function contentLines(text: string) {
  const all = splitLines(text);
  while (all.length > 0 && all[all.length - 1].text.trim() === '') all.pop();
  return all;
}

function splitWords(sentence: string): string[] {
  return sentence.trim().split(/ +/);
}

function parseIndex(raw: string, words: string[], which: string, file: string, line: number): number {
  if (!/^\d+$/.test(raw)) throw new DataFormatError(file, line, `${which} index ${quote(raw)} is not a non-negative integer`);
  const index = Number(raw);
  if (index >= words.length) {
    throw new DataFormatError(file, line, `${which} index ${index} is out of range (sentence ${which === 'first' ? 1 : 2} has ${words.length} words)`);
  }
  return index;
}

/** Parses a WiC `*.data.txt`. `file` names the source in errors ("dev.data.txt:12: ..."). */
export function parseWicData(text: string, file = 'WiC data'): WicExample[] {
  return contentLines(text).map(({ number: line, text: row }) => {
    const columns = row.split('\t');
    if (columns.length !== 5) {
      throw new DataFormatError(file, line, `expected 5 tab-separated columns (word, PoS, i1-i2, sentence1, sentence2), got ${columns.length}`);
    }
    const [word, pos, indices, first, second] = columns;
    if (first.trim() === '' || second.trim() === '') throw new DataFormatError(file, line, 'empty sentence');
    const sentences: [string[], string[]] = [splitWords(first), splitWords(second)];
    const parts = indices.split('-');
    if (parts.length !== 2) throw new DataFormatError(file, line, `expected the indices as "i1-i2", got ${quote(indices)}`);
    const targets: [number, number] = [
      parseIndex(parts[0], sentences[0], 'first', file, line),
      parseIndex(parts[1], sentences[1], 'second', file, line),
    ];
    return { word, pos, sentences, targets, line };
  });
}

/** Parses a WiC `*.gold.txt`: one T (same meaning) or F per line. */
export function parseWicGold(text: string, file = 'WiC gold'): boolean[] {
  return contentLines(text).map(({ number: line, text: row }) => {
    const value = row.trim();
    if (value !== 'T' && value !== 'F') throw new DataFormatError(file, line, `expected T or F, got ${quote(row)}`);
    return value === 'T';
  });
}

/** Data and gold of one split together; their line counts must agree. */
export function parseWic(data: { text: string; file: string }, gold: { text: string; file: string }): WicExample[] {
  const examples = parseWicData(data.text, data.file);
  const labels = parseWicGold(gold.text, gold.file);
  if (labels.length !== examples.length) {
    // Name the first line that has no partner: usually a truncated or concatenated file.
    const line = Math.min(examples.length, labels.length) + 1;
    throw new DataFormatError(
      labels.length < examples.length ? gold.file : data.file,
      line,
      `line missing: ${data.file} has ${examples.length} lines but ${gold.file} has ${labels.length}; they must match line by line`,
    );
  }
  return examples.map((example, i) => ({ ...example, label: labels[i] }));
}
