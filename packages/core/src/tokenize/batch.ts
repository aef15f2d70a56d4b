/**
 * What every tokenizer does the same way around its own encoding of one input: batches with a
 * named failing input, padding (to the longest or to maxLength, on the right), and the truncation
 * option's meaning.
 */
import type { BatchEncodeOptions, Encoding } from './bert-tokenizer.js';
import type { Truncation, TruncationStrategy } from './truncation.js';

export function truncationStrategy(truncation: Truncation | undefined): TruncationStrategy | null {
  if (truncation === undefined || truncation === false) return null;
  return truncation === true ? 'longest_first' : truncation;
}

/** Encodes every input with `encodeOne`, then pads the batch as `options.padding` asks. */
export function encodeBatchWith(
  inputs: ReadonlyArray<string | readonly [string, string]>,
  options: BatchEncodeOptions,
  encodeOne: (text: string, pair: string | null) => Encoding,
  padding: { padTokenId: number | undefined; padToken: string; modelMaxLength: number | undefined },
): Encoding[] {
  const encodings = inputs.map((input, i) => {
    try {
      return typeof input === 'string' ? encodeOne(input, null) : encodeOne(input[0], input[1]);
    } catch (error) {
      throw new Error(`input ${i}: ${(error as Error).message}`, { cause: error });
    }
  });
  const mode = options.padding === true ? 'longest' : options.padding || null;
  if (mode === null) return encodings;
  const length = mode === 'longest' ? encodings.reduce((most, e) => Math.max(most, e.ids.length), 0) : (options.maxLength ?? padding.modelMaxLength);
  if (length === undefined) throw new Error("padding 'max_length' needs maxLength (this tokenizer has no modelMaxLength)");
  if (padding.padTokenId === undefined && encodings.some((e) => e.ids.length < length)) {
    throw new Error('this tokenizer has no padding token, so a batch of different lengths cannot be padded');
  }
  for (const encoding of encodings) padEncoding(encoding, length, padding.padTokenId!, padding.padToken);
  return encodings;
}

/** Right padding: type id 0, attention 0, offsets [0, 0], no word or sequence. */
export function padEncoding(e: Encoding, length: number, padTokenId: number, padToken: string): void {
  for (let i = e.ids.length; i < length; i++) {
    e.ids.push(padTokenId);
    e.tokens.push(padToken);
    e.tokenTypeIds.push(0);
    e.attentionMask.push(0);
    e.offsets.push([0, 0]);
    e.wordIds.push(null);
    e.sequenceIds.push(null);
  }
}
