/**
 * Which tokens the masked LM is asked to predict. BERT draws the masked positions uniformly, so most
 * of its predictions are of `the`, `,` and `of`, which a small model learns early; what it learns
 * late, if at all, is the content words that a cloze asks for ("a cup of [MASK]"). Weighting each
 * position by word2vec's subsampling rate (Mikolov et al. 2013), min(1, √(t / f)) for a token of
 * corpus frequency f, leaves rare tokens at weight 1 and masks a token a hundred times more
 * frequent than t a tenth as often, so more of the same masking budget falls on content words.
 * (PMI-masking, Levine et al. 2021, and salient-span masking, Guu et al. 2020, shift the budget the
 * same way, by other criteria.)
 */

/** Selection weight per token id: min(1, √(t / f)); ids that never occur get 1. */
export function subsamplingMaskWeights(documents: readonly (readonly (readonly number[])[])[], vocabSize: number, threshold: number): Float32Array {
  if (!(threshold > 0)) throw new Error(`mask subsampling threshold must be > 0, got ${threshold}`);
  const counts = new Float64Array(vocabSize);
  let total = 0;
  for (const document of documents) {
    for (const sentence of document) {
      for (const id of sentence) counts[id] += 1;
      total += sentence.length;
    }
  }
  return Float32Array.from(counts, (count) => (count === 0 ? 1 : Math.min(1, Math.sqrt(threshold / (count / total)))));
}
