/**
 * Plain-text corpora for pretraining: one sentence per line, a blank line between documents
 * (the layout BERT's `create_pretraining_data.py` reads, and that of ../shared/data/corpora).
 * Returns documents as arrays of sentences. Lines holding only whitespace count as blank, and
 * runs of blank lines do not make empty documents.
 */
import { DataFormatError } from './data-format-error.js';
import { splitLines } from './lines.js';

export function parsePlainText(text: string, source = 'input.txt'): string[][] {
  const documents: string[][] = [];
  let current: string[] = [];
  for (const line of splitLines(text)) {
    // A NUL never occurs in text; it means a binary file (or UTF-16) was passed by mistake,
    // which would otherwise come back as thousands of garbage "sentences".
    const nul = line.text.indexOf('\0');
    if (nul >= 0) {
      throw new DataFormatError(source, line.number, 'expected text, found a NUL character (a binary or UTF-16 file?)', nul + 1);
    }
    const sentence = line.text.trim();
    if (sentence === '') {
      if (current.length > 0) documents.push(current);
      current = [];
    } else {
      current.push(sentence);
    }
  }
  if (current.length > 0) documents.push(current);
  return documents;
}
