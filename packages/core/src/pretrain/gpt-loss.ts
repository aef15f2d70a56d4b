/** GPT's pretraining loss: the mean cross-entropy of every next token. */
import * as tf from '@tensorflow/tfjs-core';
import { gpt2Forward, gpt2Logits, type Gpt2Config, type Gpt2Weights } from '../models/gpt2.js';
import type { LossOutput } from '../train/trainer.js';
import { crossEntropy } from '../ops/cross-entropy.js';
import type { CausalLmBatch } from './gpt-data.js';

export function causalLmLoss(weights: Gpt2Weights, config: Gpt2Config, batch: CausalLmBatch): LossOutput {
  const inputIds = tf.tensor2d(batch.inputIds, [batch.batchSize, batch.length], 'int32');
  const { lastHiddenState } = gpt2Forward(weights, config, { inputIds });
  const logits = tf.reshape(gpt2Logits(weights, lastHiddenState), [-1, config.vocabSize]) as tf.Tensor2D;
  const lm = crossEntropy(logits, batch.labels);
  return { loss: lm };
}

/** The same loss for a gradient worker (train/gradient-workers.ts), set up from plain data. */
export function causalLmLossInWorker({ config }: { config: Gpt2Config }) {
  return (params: Gpt2Weights, batch: CausalLmBatch) => causalLmLoss(params, config, batch);
}

/** Perplexity over batches: exp of the mean next-token cross-entropy (every batch the same width). */
export async function perplexity(weights: Gpt2Weights, config: Gpt2Config, batches: CausalLmBatch[]): Promise<number> {
  let total = 0;
  let tokens = 0;
  for (const batch of batches) {
    const loss = tf.tidy(() => causalLmLoss(weights, config, batch).loss);
    total += (await loss.data())[0] * batch.tokens;
    tokens += batch.tokens;
    loss.dispose();
  }
  return tokens === 0 ? NaN : Math.exp(total / tokens);
}
