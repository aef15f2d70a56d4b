/**
 * Causal-LM data for GPT pretraining: the corpus as one stream of token ids, documents joined by
 * `<|endoftext|>` (as GPT-2 was trained), a few documents held out for perplexity. A training
 * example is a window of `length + 1` tokens starting anywhere in the training stream: the model
 * reads the first `length` and predicts each next one.
 */
import type { Rng } from '../train/rng.js';

export interface CausalLmBatch {
  batchSize: number;
  length: number;
  /** [batch, length] row-major: what the model reads. */
  inputIds: Int32Array;
  /** [batch, length]: the token after each input token. */
  labels: Int32Array;
  tokens: number;
}

export class CausalLmData {
  readonly train: Int32Array;
  readonly heldOut: Int32Array;

  /**
   * `documents`: token ids per document; every `heldOutEvery`-th document (counted from 1) goes to
   * the held-out stream instead of training (0: none).
   */
  constructor(documents: number[][], endOfText: number, readonly length: number, heldOutEvery = 50) {
    const train: number[] = [];
    const heldOut: number[] = [];
    documents.forEach((doc, i) => {
      const into = heldOutEvery > 0 && (i + 1) % heldOutEvery === 0 ? heldOut : train;
      into.push(...doc, endOfText);
    });
    if (train.length < length + 1) throw new Error(`the corpus has ${train.length} training tokens, fewer than one example of ${length + 1}`);
    this.train = Int32Array.from(train);
    this.heldOut = Int32Array.from(heldOut);
  }

  /** `batchSize` windows at random places of the training stream. */
  batch(rng: Rng, batchSize: number): CausalLmBatch {
    const n = this.length;
    const inputIds = new Int32Array(batchSize * n);
    const labels = new Int32Array(batchSize * n);
    for (let b = 0; b < batchSize; b++) {
      const start = rng.int(this.train.length - n);
      inputIds.set(this.train.subarray(start, start + n), b * n);
      labels.set(this.train.subarray(start + 1, start + n + 1), b * n);
    }
    return { batchSize, length: n, inputIds, labels, tokens: batchSize * n };
  }

  /** The held-out stream cut into consecutive windows (at most `maxWindows`), for perplexity. */
  heldOutBatches(batchSize: number, maxWindows = 256): CausalLmBatch[] {
    const n = this.length;
    const windows = Math.min(maxWindows, Math.floor((this.heldOut.length - 1) / n));
    const batches: CausalLmBatch[] = [];
    for (let w = 0; w < windows; w += batchSize) {
      const size = Math.min(batchSize, windows - w);
      const inputIds = new Int32Array(size * n);
      const labels = new Int32Array(size * n);
      for (let b = 0; b < size; b++) {
        const start = (w + b) * n;
        inputIds.set(this.heldOut.subarray(start, start + n), b * n);
        labels.set(this.heldOut.subarray(start + 1, start + n + 1), b * n);
      }
      batches.push({ batchSize: size, length: n, inputIds, labels, tokens: size * n });
    }
    return batches;
  }
}
