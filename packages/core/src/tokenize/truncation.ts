/**
 * Truncation of a sequence or a pair to a token budget, as Hugging Face's fast tokenizers do it
 * (`truncate_encodings` in the `tokenizers` crate, what `BertTokenizerFast` runs). Tokens are cut
 * from the right end of a sequence.
 */

/** `true` means `'longest_first'`, HF's default strategy. */
export type Truncation = boolean | 'longest_first' | 'only_first' | 'only_second';

export type TruncationStrategy = 'longest_first' | 'only_first' | 'only_second';

/**
 * How many tokens of each sequence to keep so that, with `specialTokens` more, they fit in
 * `maxLength`. `second` is null for a single sequence.
 *
 * `longest_first` for a pair, with `budget = maxLength - specialTokens` and
 * `half = floor(budget / 2)`:
 * - the shorter sequence fits in half the budget: it stays whole, the longer gets the rest;
 * - otherwise both are cut to `half` and `budget - half` tokens, and the odd token goes to the
 *   longer one, or to the second when they are equally long;
 * - except that when even the shorter one is at least `maxLength` long, the odd token goes to the
 *   second whichever is longer: 9 + 8 tokens into 7 keeps 3 + 4, not 4 + 3. That is what the
 *   released `tokenizers` (0.23.2, BertTokenizerFast's engine) does, measured over every pair of
 *   lengths up to 16; its `truncate_encodings` source reads as if the longer always got it.
 * Python's slow `BertTokenizer` differs on ties (4 + 4 into 5 keeps 3 + 2 there, 2 + 3 here).
 */
export function truncatedLengths(
  first: number,
  second: number | null,
  maxLength: number,
  specialTokens: number,
  strategy: TruncationStrategy,
): [number, number] {
  const pair = second ?? 0;
  const budget = maxLength - specialTokens;
  if (budget < 0) {
    throw new Error(`maxLength ${maxLength} leaves no room for the ${specialTokens} special tokens`);
  }
  if (first + pair <= budget) return [first, pair];
  if (budget === 0) return [0, 0];
  const toRemove = first + pair - budget;
  if (strategy === 'longest_first') {
    if (second === null) return [budget, 0];
    const half = Math.floor(budget / 2);
    const shorter = Math.min(first, second);
    if (shorter <= half) return first <= second ? [first, budget - first] : [budget - second, second];
    if (shorter < maxLength && first > second) return [budget - half, half];
    return [half, budget - half];
  }
  if (strategy === 'only_second' && second === null) {
    throw new Error(`truncation 'only_second' needs a pair of texts, but got a single text`);
  }
  const target = strategy === 'only_first' ? first : pair;
  if (target <= toRemove) {
    const which = strategy === 'only_first' ? 'first' : 'second';
    throw new Error(
      `truncation '${strategy}': the ${which} text has ${target} tokens, too few to remove the ${toRemove} needed ` +
        `to fit ${first + pair} tokens into ${budget} (maxLength ${maxLength} less ${specialTokens} special tokens); use 'longest_first'`,
    );
  }
  return strategy === 'only_first' ? [first - toRemove, pair] : [first, pair - toRemove];
}
