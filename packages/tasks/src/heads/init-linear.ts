/**
 * A freshly initialised linear layer for a task head, as Hugging Face's `BertPreTrainedModel._init_weights`
 * draws it: weight ~ normal(0, initializer_range), bias 0. The weight is held [in, out] like every
 * linear weight in @wb/core (the checkpoint code transposes to PyTorch's [out, in] on save).
 */
import * as tf from '@tensorflow/tfjs-core';
import { deriveSeed, type BertWeights } from '@wb/core';

export function initLinear(prefix: string, inFeatures: number, outFeatures: number, initializerRange: number, seed: number): BertWeights {
  // tfjs treats seed 0 as "unseeded" (Math.random), so a zero derived seed becomes 1.
  const weightSeed = deriveSeed(seed, 0x4ead) || 1;
  return {
    [`${prefix}.weight`]: tf.randomNormal([inFeatures, outFeatures], 0, initializerRange, 'float32', weightSeed),
    [`${prefix}.bias`]: tf.zeros([outFeatures]),
  };
}

/** Checks that `weights` holds `prefix.weight` [in, out] and `prefix.bias` [out]; returns out. */
export function checkLinear(weights: BertWeights, prefix: string, inFeatures: number, what: string): number {
  const weight = weights[`${prefix}.weight`];
  const bias = weights[`${prefix}.bias`];
  if (!weight || !bias) {
    throw new Error(`${what}: the weights have no ${prefix}.weight/${prefix}.bias (is this checkpoint fine-tuned for this task?)`);
  }
  if (weight.rank !== 2 || weight.shape[0] !== inFeatures || bias.rank !== 1 || bias.shape[0] !== weight.shape[1]) {
    throw new Error(
      `${what}: ${prefix}.weight is [${weight.shape}] and ${prefix}.bias [${bias.shape}] (held [in, out]); expected [${inFeatures}, n] and [n]`,
    );
  }
  return weight.shape[1];
}
