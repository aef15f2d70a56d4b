/**
 * The sense-gap set (JSON Lines): sentences holding an ambiguous word, each labelled with the
 * word's sense there and the character offsets of the word, e.g.
 *
 *     {"text": "The boat drifted toward the far bank.", "word": "bank", "sense": "river", "start": 32, "end": 36}
 *
 * The offsets are checked against the text (the characters there must be the word, ignoring
 * case), so a sentence edited without its offsets fails here rather than measuring the wrong word.
 */
import { DataFormatError } from './data-format-error.js';
import { parseJsonLines, stringField } from './json-lines.js';

export interface SenseGapItem {
  text: string;
  /** The ambiguous word (pairs are only formed between sentences of the same word). */
  word: string;
  sense: string;
  /** UTF-16 offsets [start, end) of the word in `text`. */
  start: number;
  end: number;
  line: number;
}

export function parseSenseGapData(text: string, source: string): SenseGapItem[] {
  return parseJsonLines(text, source).map((record) => {
    const sentence = stringField(record, 'text', source);
    const word = stringField(record, 'word', source);
    const sense = stringField(record, 'sense', source);
    const { start, end } = record.value;
    if (!Number.isInteger(start) || !Number.isInteger(end) || (start as number) < 0 || (end as number) > sentence.length || (start as number) >= (end as number)) {
      throw new DataFormatError(
        source,
        record.line,
        `expected integer "start" < "end" within the text's ${sentence.length} characters, got start ${JSON.stringify(start)}, end ${JSON.stringify(end)}`,
      );
    }
    const found = sentence.slice(start as number, end as number);
    if (found.toLowerCase() !== word.toLowerCase()) {
      throw new DataFormatError(source, record.line, `characters ${start}–${end} of the text are ${JSON.stringify(found)}, not the word ${JSON.stringify(word)}`);
    }
    return { text: sentence, word, sense, start: start as number, end: end as number, line: record.line };
  });
}
