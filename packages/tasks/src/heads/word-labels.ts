/**
 * Word labels ↔ WordPiece positions for token classification, as Transformers' token-classification
 * examples do it: each word is split into WordPieces, its label goes on the FIRST piece, and every
 * other piece (and [CLS], [SEP]) gets -100, which the loss ignores. A prediction for a word is read
 * from its first piece. "Johanson" → `johan ##son`: one label, on `johan`.
 *
 * Words are tokenised one at a time (Transformers' `is_split_into_words`), so a dataset word that
 * BERT's basic tokenizer would split further ("1996-08-22" → 1996 - 08 - 22) still gets exactly one
 * label. A sentence longer than the model's positions is cut into consecutive chunks of whole words,
 * each its own input, rather than truncated: no word is left without a prediction.
 */
import { IGNORE_INDEX, type BertTokenizer } from '@wb/core';
import { getEntities } from '../metrics/entity-f1.js';
import type { TokenizedInput } from './padded-batch.js';

export interface WordSequence {
  words: readonly string[];
  /** Label id per word (training); absent for prediction. */
  labels?: readonly number[];
}

/** One model input: a run of whole words of one sentence. */
export interface WordChunk extends TokenizedInput {
  /** Index of the sentence the words come from. */
  sentence: number;
  /** Index (in the sentence) of the chunk's first word. */
  firstWord: number;
  /** Position in `ids` of each word's first WordPiece; -1 for a word with no pieces (e.g. only control characters). */
  wordStarts: number[];
  /** Label id per position: the word's label on first pieces, -100 elsewhere; present when the input had labels. */
  labels?: Int32Array;
}

/** WordPiece ids of single words, cached: a corpus repeats its words many times. */
class WordPieceCache {
  private readonly cache = new Map<string, number[]>();

  constructor(private readonly tokenizer: BertTokenizer) {}

  pieces(word: string): number[] {
    let ids = this.cache.get(word);
    if (!ids) {
      ids = this.tokenizer.encode(word, { addSpecialTokens: false }).ids;
      this.cache.set(word, ids);
    }
    return ids;
  }
}

export function encodeWordSequences(
  tokenizer: BertTokenizer,
  sequences: readonly WordSequence[],
  maxLength: number,
  cache = new WordPieceCache(tokenizer),
): WordChunk[] {
  // [CLS] and [SEP] take two positions.
  const budget = maxLength - 2;
  if (budget < 1) throw new Error(`maxLength ${maxLength} leaves no room for words after [CLS] and [SEP]`);
  const chunks: WordChunk[] = [];
  sequences.forEach((sequence, s) => {
    const { words, labels } = sequence;
    if (labels && labels.length !== words.length) throw new Error(`sentence ${s}: ${words.length} words but ${labels.length} labels`);
    let w = 0;
    do {
      const firstWord = w;
      const ids = [tokenizer.clsTokenId];
      const positionLabels = [IGNORE_INDEX];
      const wordStarts: number[] = [];
      for (; w < words.length; w++) {
        let pieces = cache.pieces(words[w]);
        if (ids.length - 1 + pieces.length > budget) {
          if (w > firstWord) break; // the word starts the next chunk
          pieces = pieces.slice(0, budget); // one word longer than the model: keep its first pieces
        }
        wordStarts.push(pieces.length > 0 ? ids.length : -1);
        pieces.forEach((id, p) => {
          ids.push(id);
          positionLabels.push(p === 0 && labels ? labels[w] : IGNORE_INDEX);
        });
      }
      ids.push(tokenizer.sepTokenId);
      positionLabels.push(IGNORE_INDEX);
      const chunk: WordChunk = { ids, typeIds: new Array<number>(ids.length).fill(0), sentence: s, firstWord, wordStarts };
      if (labels) chunk.labels = Int32Array.from(positionLabels);
      chunks.push(chunk);
    } while (w < sequence.words.length);
  });
  return chunks;
}

/**
 * Per-word label ids from per-position predictions: `predicted[c][p]` is the label id predicted at
 * position p of chunk c. Words without pieces get `fallback` (default: the id of "O", else 0).
 */
export function wordPredictions(
  chunks: readonly WordChunk[],
  predicted: readonly ArrayLike<number>[],
  wordCounts: readonly number[],
  fallback = 0,
): number[][] {
  const out = wordCounts.map((n) => new Array<number>(n).fill(fallback));
  chunks.forEach((chunk, c) => {
    chunk.wordStarts.forEach((position, k) => {
      if (position >= 0) out[chunk.sentence][chunk.firstWord + k] = predicted[c][position];
    });
  });
  return out;
}

export interface WordEntity {
  type: string;
  /** First and last word (inclusive), as seqeval. */
  start: number;
  end: number;
  text: string;
}

/** Entity spans over words from IOB1, IOB2 or IOBES tags (seqeval's rules, via getEntities). */
export function wordEntities(words: readonly string[], tags: readonly string[]): WordEntity[] {
  return getEntities(tags).map(({ type, start, end }) => ({ type, start, end, text: words.slice(start, end + 1).join(' ') }));
}
