/**
 * Choosing the next token from a row of logits: greedy (the most likely; the lowest id on a tie),
 * or a draw after temperature, top-k and top-p (nucleus, Holtzman et al. 2020) filtering, in
 * Hugging Face's order (temperature, then top-k, then top-p). Draws come from a seeded stream, so
 * the same seed gives the same text.
 */
import { Rng } from '../train/rng.js';

interface SamplingOptions {
  temperature?: number;
  topK?: number;
  topP?: number;
}

/** Checks the options as a command line would, naming the bad one. */
export function checkSampling(options: SamplingOptions): void {
  const { temperature, topK, topP } = options;
  if (temperature !== undefined && !(Number.isFinite(temperature) && temperature >= 0)) throw new Error(`temperature must be a number ≥ 0, got ${temperature}`);
  if (topK !== undefined && !(Number.isInteger(topK) && topK >= 1)) throw new Error(`top-k must be an integer ≥ 1, got ${topK}`);
  if (topP !== undefined && !(Number.isFinite(topP) && topP > 0 && topP <= 1)) throw new Error(`top-p must be in (0, 1], got ${topP}`);
}

/** Whether these options sample (anything set) or decode greedily (nothing set, or temperature 0). */
export function isSampling(options: SamplingOptions): boolean {
  if (options.temperature === 0) return false;
  return options.temperature !== undefined || options.topK !== undefined || options.topP !== undefined;
}

export function argmax(logits: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
  return best;
}

/** One token drawn from the filtered distribution. */
export function sampleToken(logits: ArrayLike<number>, options: SamplingOptions, rng: Rng): number {
  const temperature = options.temperature ?? 1;
  // Candidates by falling logit; the sort is stable, so equal logits keep id order.
  let order = Array.from({ length: logits.length }, (_, i) => i).sort((a, b) => logits[b] - logits[a]);
  if (options.topK !== undefined) order = order.slice(0, Math.min(options.topK, order.length));
  const top = logits[order[0]] / temperature;
  let probs = order.map((i) => Math.exp(logits[i] / temperature - top));
  let total = probs.reduce((a, b) => a + b, 0);
  if (options.topP !== undefined && options.topP < 1) {
    // Keep the smallest prefix whose mass reaches p (at least one token).
    let mass = 0;
    let keep = 0;
    while (keep < probs.length && (keep === 0 || mass < options.topP * total)) mass += probs[keep++];
    order = order.slice(0, keep);
    probs = probs.slice(0, keep);
    total = mass;
  }
  let r = rng.next() * total;
  for (let k = 0; k < order.length; k++) {
    r -= probs[k];
    if (r < 0) return order[k];
  }
  return order[order.length - 1];
}

export { Rng };
