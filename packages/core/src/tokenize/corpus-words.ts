/**
 * Word counts of a text corpus (Node only), for `trainWordPiece` and `trainByteLevelBpe`. The corpus is a folder read as
 * pretraining reads it (`corpusFiles`: every `*.txt`, in name order, one sentence per line).
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { corpusFiles } from '../pretrain/corpus.js';
import type { BasicTokenizerOptions } from './basic.js';
import { ByteLevelWordCounter } from './bpe-trainer.js';
import { WordCounter } from './wordpiece-trainer.js';

/** Word counts of the corpus in `dir`, after BERT's basic tokenisation (lower-cased by default). */
export function countCorpusWords(dir: string, options: BasicTokenizerOptions = { lowerCase: true }): WordCounter {
  const counter = new WordCounter(options);
  for (const file of corpusFiles(dir)) forEachLine(file, (line) => counter.add(line));
  return counter;
}

/** Word counts of the corpus in `dir` after GPT-2's pre-tokenization, as byte-level characters (case kept), for `trainByteLevelBpe`. */
export function countCorpusByteLevelWords(dir: string): ByteLevelWordCounter {
  const counter = new ByteLevelWordCounter();
  for (const file of corpusFiles(dir)) forEachLine(file, (line) => counter.add(line.trim()));
  return counter;
}

/**
 * Calls `onLine` for every line of `path` (UTF-8), reading in chunks so that a corpus file larger
 * than the longest string V8 allows (~512 MB) still works.
 */
function forEachLine(path: string, onLine: (line: string) => void, chunkBytes = 8 << 20): void {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(chunkBytes);
    // stream: true keeps a multi-byte character that straddles two chunks whole.
    const decoder = new TextDecoder('utf-8');
    let rest = '';
    for (;;) {
      const n = readSync(fd, buffer, 0, chunkBytes, null);
      const text = rest + (n > 0 ? decoder.decode(buffer.subarray(0, n), { stream: true }) : decoder.decode());
      const lines = text.split('\n');
      rest = n > 0 ? lines.pop()! : '';
      for (const line of lines) onLine(line);
      if (n === 0) break;
    }
  } finally {
    closeSync(fd);
  }
}
