/**
 * One interface for every contextual model, so that a notebook can ask for "the vector of
 * *bank* in this sentence" without caring whether ELMo, BERT or GPT produced it.
 */
import type { FamilyName } from './models/language-model.js';

/** A word of the input and where it sits in the original text (UTF-16 offsets; -1 when the input was pre-tokenised). */
export interface EmbeddedWord {
  word: string;
  start: number;
  end: number;
  /** One vector per layer: index 0 is the model's input (token) layer, the last is the top layer. */
  layers: Float32Array[];
}

export interface EmbeddedSentence {
  /** The text as given, or the tokens joined by spaces when the input was pre-tokenised. */
  text: string;
  words: EmbeddedWord[];
}

/** How sub-word pieces are pooled into one vector per word (BERT's WordPieces, GPT's BPE pieces). */
export type WordPooling = 'mean' | 'first';

export interface EmbedOptions {
  pooling?: WordPooling;
  batchSize?: number;
}

export interface ContextualEmbedder {
  readonly family: FamilyName;
  /** Number of layers `embed` returns per word (input layer included). */
  readonly numLayers: number;
  /** Width of every returned vector. */
  readonly dim: number;
  /** Texts are split into words by the model's own rules; arrays of strings are taken as words. */
  embed(inputs: Array<string | string[]>, options?: EmbedOptions): Promise<EmbeddedSentence[]>;
}

/** The vector(s) of `word` in a sentence (case-insensitive; `occurrence` picks among repeats). */
export function findWord(sentence: EmbeddedSentence, word: string, occurrence = 0): EmbeddedWord {
  const wanted = word.toLowerCase();
  const hits = sentence.words.filter((w) => w.word.toLowerCase() === wanted);
  if (hits.length <= occurrence) {
    throw new Error(
      `"${word}" does not occur ${occurrence + 1} time(s) in "${sentence.text}" (words: ${sentence.words
        .map((w) => w.word)
        .join(' ')})`,
    );
  }
  return hits[occurrence];
}

export function cosineSimilarity(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`cosineSimilarity: lengths differ (${a.length} vs ${b.length})`);
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}
