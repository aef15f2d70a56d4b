/**
 * Cloze hits: a sentence counts when one of the model's top-k fillers for its [MASK] is one of
 * the acceptable words. Fillers are whole vocabulary tokens, compared with the answers ignoring
 * case (an uncased model predicts "italy" for "Italy"); a word piece such as `##p` never matches.
 * A filler may also be given as it reads in text (its spelling), for tokens that mark a leading
 * space (byte-level BPE's `Ġcoffee` reads "coffee").
 */

export interface ClozeScore {
  text: string;
  answers: string[];
  /** The top-k fillers, best first. */
  predictions: string[];
  /** The best-ranked acceptable filler, or null. */
  hit: string | null;
  /** Its rank, from 1; null when no filler is acceptable. */
  rank: number | null;
}

export function scoreCloze(
  items: ReadonlyArray<{ text: string; answers: readonly string[] }>,
  predictions: ReadonlyArray<readonly string[]>,
  spellings?: ReadonlyArray<readonly string[]>,
): { hits: number; n: number; items: ClozeScore[] } {
  if (items.length !== predictions.length) throw new Error(`scoreCloze: ${items.length} items but ${predictions.length} prediction lists`);
  if (spellings && spellings.length !== predictions.length) throw new Error(`scoreCloze: ${predictions.length} prediction lists but ${spellings.length} spelling lists`);
  const scored = items.map((item, i) => {
    const acceptable = new Set(item.answers.map((a) => a.trim().toLowerCase()));
    const matches = (text: string | undefined) => text !== undefined && acceptable.has(text.trim().toLowerCase());
    const index = predictions[i].findIndex((token, k) => matches(token) || matches(spellings?.[i][k]));
    return {
      text: item.text,
      answers: [...item.answers],
      predictions: [...predictions[i]],
      hit: index >= 0 ? predictions[i][index] : null,
      rank: index >= 0 ? index + 1 : null,
    };
  });
  return { hits: scored.filter((s) => s.hit !== null).length, n: items.length, items: scored };
}
