/**
 * Fitting a long sentence into a model with a position table. A target word near the end of a
 * 200-word Senseval sentence must still get a vector, so instead of cutting the tail we keep a
 * window of whole words centred on the target (growing both sides evenly, then whichever side
 * still has words) that fits the model's positions. Models without a position limit (ELMo's
 * LSTMs) see the whole sentence.
 */
import type { ContextualEmbedder, LanguageModel } from '@wb/core';
import { midSentenceIds } from './word-tokens.js';

/** How many model tokens words cost, and how many the model takes at most (special tokens excluded). */
export interface TokenBudget {
  /** Tokens available to the words of one sentence. */
  maxTokens: number;
  /** Model tokens each word becomes (BERT: WordPieces). */
  tokensPerWord(words: readonly string[]): number[];
}

/**
 * The budget of a model with a position table (any tokenizer-driven family: BERT, DistilBERT,
 * RoBERTa, ALBERT, GPT-2), undefined when it reads pre-split words without one (ELMo). Every
 * family's pre-tokenisation splits at whitespace, so the pieces of a sentence are the pieces of
 * its words; a word costs what it costs after a space (byte-level BPE's `Ġbank`, SentencePiece's
 * `▁bank`) or at the start, whichever is more, and the special tokens ([CLS] [SEP], <s> </s>)
 * take their positions first.
 */
export function tokenBudget(embedder: ContextualEmbedder): TokenBudget | undefined {
  const model = embedder as Partial<Pick<LanguageModel, 'tokenizer' | 'maxLength' | 'takesWords'>>;
  const { tokenizer, maxLength } = model;
  if (!tokenizer || maxLength === undefined || model.takesWords) return undefined;
  const specialTokens = tokenizer.encode('').ids.length;
  const cache = new Map<string, number>();
  return {
    maxTokens: maxLength - specialTokens,
    tokensPerWord: (words) =>
      words.map((word) => {
        let n = cache.get(word);
        if (n === undefined) {
          n = Math.max(tokenizer.tokenize(word).length, midSentenceIds(tokenizer, word).length);
          cache.set(word, n);
        }
        return n;
      }),
  };
}

export interface WordWindow {
  /** First word kept (the window is words[start, end)). */
  start: number;
  end: number;
}

/**
 * The widest window of words around `target` whose token costs sum to at most `maxTokens`:
 * the whole sentence when it fits, else grown one word at a time on the side that has fewer
 * words so far (so the target sits near the middle), then on the other side while words fit.
 */
export function windowAround(costs: readonly number[], target: number, maxTokens: number): WordWindow {
  const total = costs.reduce((a, b) => a + b, 0);
  if (total <= maxTokens) return { start: 0, end: costs.length };
  if (costs[target] > maxTokens) {
    throw new Error(`the target word alone takes ${costs[target]} tokens, more than the model's ${maxTokens}`);
  }
  let start = target;
  let end = target + 1;
  let used = costs[target];
  for (;;) {
    const canLeft = start > 0 && used + costs[start - 1] <= maxTokens;
    const canRight = end < costs.length && used + costs[end] <= maxTokens;
    if (!canLeft && !canRight) break;
    const leftIsShorter = target - start <= end - 1 - target;
    if (canLeft && (leftIsShorter || !canRight)) used += costs[--start];
    else used += costs[end++];
  }
  return { start, end };
}
