/**
 * The tokens a word gets inside a sentence, where it follows a space: byte-level BPE's `Ġbank`,
 * SentencePiece's `▁bank` (WordPiece ignores the space). The static baseline reads these rows, and
 * the window that fits long sentences counts them.
 */
import type { Tokenizer } from '@wb/core';

export function midSentenceIds(tokenizer: Tokenizer, word: string): number[] {
  return tokenizer.encode(` ${word}`, { addSpecialTokens: false }).ids;
}
