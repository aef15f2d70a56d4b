/**
 * The cloze set (JSON Lines): a sentence with one [MASK] and the words that would fill it well,
 *
 *     {"text": "He poured [MASK] into the glass.", "answers": ["water", "milk", "juice"]}
 */
import { DataFormatError } from './data-format-error.js';
import { parseJsonLines, stringField } from './json-lines.js';

export const CLOZE_MASK = '[MASK]';

export interface ClozeItem {
  text: string;
  answers: string[];
  line: number;
}

export function parseClozeData(text: string, source: string): ClozeItem[] {
  return parseJsonLines(text, source).map((record) => {
    const sentence = stringField(record, 'text', source);
    const masks = sentence.split(CLOZE_MASK).length - 1;
    if (masks !== 1) throw new DataFormatError(source, record.line, `expected exactly one ${CLOZE_MASK} in "text", found ${masks}`);
    const answers = record.value.answers;
    if (!Array.isArray(answers) || answers.length === 0 || !answers.every((a) => typeof a === 'string' && a.trim() !== '')) {
      throw new DataFormatError(source, record.line, `expected "answers" to be a non-empty array of words, got ${JSON.stringify(answers)}`);
    }
    return { text: sentence, answers: answers as string[], line: record.line };
  });
}
