/**
 * Fitting a long sentence into a model with a position table. A target word near the end of a
 * 200-word Senseval sentence must still get a vector, so instead of cutting the tail we keep a
 * window of whole words centred on the target (growing both sides evenly, then whichever side
 * still has words) that fits the model's positions. Models without a position limit (ELMo's
 * LSTMs) see the whole sentence.
 */
import { BertModel, type ContextualEmbedder } from '@wb/core';

/** How many model tokens words cost, and how many the model takes at most (special tokens excluded). */
export interface TokenBudget {
  /** Tokens available to the words of one sentence. */
  maxTokens: number;
  /** Model tokens each word becomes (BERT: WordPieces). */
  tokensPerWord(words: readonly string[]): number[];
}

/**
 * The budget of a model with a position table, undefined when it has none. BERT's basic
 * tokenisation never joins across whitespace, so the pieces of a sentence are the pieces of its
 * words, and [CLS] + [SEP] take two positions.
 */
export function tokenBudget(embedder: ContextualEmbedder): TokenBudget | undefined {
  if (!(embedder instanceof BertModel)) return undefined;
  const { tokenizer, config } = embedder;
  const cache = new Map<string, number>();
  return {
    maxTokens: config.maxPositionEmbeddings - 2,
    tokensPerWord: (words) =>
      words.map((word) => {
        let n = cache.get(word);
        if (n === undefined) {
          n = tokenizer.tokenize(word).length;
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
