/**
 * ELMo's training data, as bert-data.ts is BERT's: the corpus read as words (BERT's basic tokenizer,
 * case kept, as ElmoModel.embed splits text), the softmax vocabulary (most frequent first, which the
 * log-uniform sampler of elmo-loss.ts assumes), and batches of sentences sampled with a seeded `Rng`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { basicTokenize } from '../tokenize/basic.js';
import { batchToElmoCharIds } from '../tokenize/elmo-chars.js';
import type { Rng } from '../train/rng.js';
import { readCorpus } from './corpus.js';
import type { ElmoLmBatch } from './elmo-loss.js';

/** The first three vocabulary entries, in this order: the ids elmoLmLoss's bosId / eosId and the unknown word. */
const ELMO_SPECIAL_WORDS = ['<S>', '</S>', '<UNK>'];
const UNK_ID = 2;
/** `<S>` and `</S>`'s vocabulary ids, as elmoLmLoss takes them. */
export const ELMO_BOUNDARY_IDS = { bosId: 0, eosId: 1 } as const;

/** Every line of a corpus folder as words. */
export function readElmoSentences(corpus: string): string[][] {
  const sentences: string[][] = [];
  for (const file of readCorpus(corpus)) {
    for (const doc of file.documents) for (const line of doc) sentences.push(basicTokenize(line, { lowerCase: false }).map((w) => w.text));
  }
  return sentences;
}

export interface ElmoVocabulary {
  /** The special words, then the most frequent words (ties in code-point order, so it is reproducible). */
  words: string[];
  ids: Map<string, number>;
  /** How often each distinct word occurs in the corpus. */
  counts: Map<string, number>;
}

function countWords(sentences: string[][]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const sentence of sentences) for (const word of sentence) counts.set(word, (counts.get(word) ?? 0) + 1);
  return counts;
}

export function buildElmoVocabulary(sentences: string[][], vocabSize: number): ElmoVocabulary {
  const counts = countWords(sentences);
  const ranked = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([w]) => w);
  const words = [...ELMO_SPECIAL_WORDS, ...ranked.filter((w) => !ELMO_SPECIAL_WORDS.includes(w)).slice(0, vocabSize - ELMO_SPECIAL_WORDS.length)];
  return { words, ids: new Map(words.map((w, i) => [w, i])), counts };
}

/**
 * The vocabulary a trained biLM's softmax was built with (its vocab.txt, most frequent first), with
 * the counts of `sentences`, for continuing its training on them.
 */
export function elmoVocabularyOf(words: string[], sentences: string[][]): ElmoVocabulary {
  if (ELMO_SPECIAL_WORDS.some((w, i) => words[i] !== w)) {
    throw new Error(`a biLM's vocab.txt starts with ${ELMO_SPECIAL_WORDS.join(', ')} (wb pretrain elmo writes them first); this one starts with ${words.slice(0, 3).join(', ')}`);
  }
  return { words, ids: new Map(words.map((w, i) => [w, i])), counts: countWords(sentences) };
}

/** The softmax ids of a sentence's words (<UNK> for the words outside the vocabulary). */
export function elmoWordIds(words: string[], vocabulary: ElmoVocabulary): number[] {
  return words.map((w) => vocabulary.ids.get(w) ?? UNK_ID);
}

export interface ElmoTrainingBatch extends ElmoLmBatch {
  wordChars: number;
  /** Seeds the sampled softmax's negatives, drawn from the data stream so a resumed run draws the same. */
  negativesSeed: number;
}

/** A training batch as drawn: plain data (it may go to a gradient worker); `elmoTrainingBatch` makes its tensors. */
export interface DrawnElmoBatch {
  words: string[][];
  wordIds: number[][];
  negativesSeed: number;
}

/**
 * `batchSize` non-empty sentences drawn uniformly (windows of at most `maxWords` words for long ones)
 * and their word ids. The draws from `rng` are part of the resume contract: keep their order.
 */
export function sampleElmoBatch(
  sentences: string[][],
  vocabulary: ElmoVocabulary,
  rng: Rng,
  sizes: { batchSize: number; maxWords: number },
): { batch: DrawnElmoBatch; tokens: number } {
  const words: string[][] = [];
  while (words.length < sizes.batchSize) {
    const sentence = sentences[rng.int(sentences.length)];
    if (sentence.length === 0) continue;
    const start = sentence.length > sizes.maxWords ? rng.int(sentence.length - sizes.maxWords + 1) : 0;
    words.push(sentence.slice(start, start + sizes.maxWords));
  }
  const batch = { words, wordIds: words.map((s) => elmoWordIds(s, vocabulary)), negativesSeed: rng.int(2 ** 32) };
  return { batch, tokens: words.reduce((n, s) => n + s.length, 0) };
}

/** A drawn batch with its words' character ids as a tensor (the caller disposes it). */
export function elmoTrainingBatch(drawn: DrawnElmoBatch): ElmoTrainingBatch {
  const chars = batchToElmoCharIds(drawn.words);
  return { charIds: tf.tensor3d(chars.ids, chars.shape, 'int32'), wordIds: drawn.wordIds, wordChars: chars.wordChars, negativesSeed: drawn.negativesSeed };
}
