/**
 * Training a byte-level BPE (GPT-2's kind; `wb vocab --type bpe`), the way Hugging Face's
 * `ByteLevelBPETokenizer.train` does: words are split by GPT-2's regex and written as byte-level
 * characters, the alphabet is all 256 bytes (so no text is ever unknown), and the most frequent
 * adjacent pair is merged until the vocabulary has the requested size. The merging is the
 * WordPiece trainer's (which is HF's BPE trainer) without a continuing-subword prefix; the merges
 * are kept, in order, for `merges.txt`.
 */
import { BYTE_TO_CHAR, GPT2_SPLIT } from './byte-level.js';
import { trainWordPiece } from './wordpiece-trainer.js';

/** GPT-2's end-of-text token: the only special token of a byte-level BPE, at id 0 here. */
export const END_OF_TEXT = '<|endoftext|>';

const encoder = new TextEncoder();

/** Word frequencies after GPT-2's pre-tokenization, in byte-level characters. Feed it text line by line. */
export class ByteLevelWordCounter {
  readonly counts = new Map<string, number>();
  total = 0;

  add(text: string): void {
    for (const match of text.matchAll(GPT2_SPLIT)) {
      let word = '';
      for (const b of encoder.encode(match[0])) word += BYTE_TO_CHAR[b];
      this.counts.set(word, (this.counts.get(word) ?? 0) + 1);
      this.total++;
    }
  }
}

export interface ByteLevelBpeTraining {
  /** vocab.json: token → id, `<|endoftext|>` first, then the 256 bytes, then the merges' tokens. */
  vocab: Record<string, number>;
  /** merges.txt's lines after its #version line: "a b", in merge order. */
  merges: string[];
  stoppedBy: 'vocabSize' | 'minFrequency';
}

export function trainByteLevelBpe(wordCounts: ReadonlyMap<string, number>, options: { vocabSize: number; minFrequency?: number }): ByteLevelBpeTraining {
  const result = trainWordPiece(wordCounts, {
    vocabSize: options.vocabSize,
    minFrequency: options.minFrequency,
    specialTokens: [END_OF_TEXT],
    continuingSubwordPrefix: '',
    initialAlphabet: BYTE_TO_CHAR,
  });
  return {
    vocab: Object.fromEntries(result.vocab.map((token, id) => [token, id])),
    merges: result.mergedPairs.map(([a, b]) => `${a} ${b}`),
    stoppedBy: result.stoppedBy,
  };
}

/** merges.txt as Hugging Face writes it. */
export function mergesText(merges: readonly string[]): string {
  return ['#version: 0.2', ...merges].join('\n') + '\n';
}
