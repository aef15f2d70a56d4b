/**
 * Truncation of a sequence or a pair to a token budget, as Hugging Face's fast tokenizers do it
 * (`truncate_encodings` in the `tokenizers` crate, what `BertTokenizerFast` runs). Tokens are cut
 * from the right end of a sequence.
 */

/** `true` means `'longest_first'`, HF's default strategy. */
export type Truncation = boolean | 'longest_first' | 'only_first' | 'only_second';

export type TruncationStrategy = 'longest_first' | 'only_first' | 'only_second';

/**
 * How many tokens of each sequence to keep so that both fit in `maxLength` (which excludes the
 * special tokens). `second` is null for a single sequence.
 *
 * `longest_first` takes tokens off the longer sequence until both are as long, then off both in
 * turn; when the budget is odd and both have to be cut, the extra token goes to the longer one,
 * or to the SECOND when they are equally long: 4 + 4 tokens into 5 keeps 2 + 3. (Python's slow
 * `BertTokenizer` keeps 3 + 2 there; the fast tokenizer, which `AutoTokenizer` loads, keeps 2 + 3.)
 */
export function truncatedLengths(
  first: number,
  second: number | null,
  maxLength: number,
  strategy: TruncationStrategy,
): [number, number] {
  const pair = second ?? 0;
  if (maxLength <= 0) return [0, 0];
  if (first + pair <= maxLength) return [first, pair];
  const toRemove = first + pair - maxLength;
  if (strategy === 'longest_first') {
    if (second === null) return [maxLength, 0];
    // Shorter (n1) and longer (n2), as in HF's code.
    const swap = first > second;
    let n1 = swap ? second : first;
    let n2: number;
    if (n1 > maxLength) {
      n2 = n1;
    } else {
      n2 = Math.max(n1, maxLength - n1);
    }
    if (n1 + n2 > maxLength) {
      n1 = Math.floor(maxLength / 2);
      n2 = n1 + (maxLength % 2);
    }
    const [keepFirst, keepSecond] = swap ? [n2, n1] : [n1, n2];
    return [Math.min(first, keepFirst), Math.min(second, keepSecond)];
  }
  if (strategy === 'only_second' && second === null) {
    throw new Error(`truncation 'only_second' needs a pair of texts, but got a single text`);
  }
  const target = strategy === 'only_first' ? first : pair;
  if (target <= toRemove) {
    const which = strategy === 'only_first' ? 'first' : 'second';
    throw new Error(
      `truncation '${strategy}': the ${which} text has ${target} tokens, too few to remove the ${toRemove} needed ` +
        `to fit ${first + pair} tokens into ${maxLength}; use 'longest_first'`,
    );
  }
  return strategy === 'only_first' ? [first - toRemove, pair] : [first, pair - toRemove];
}
