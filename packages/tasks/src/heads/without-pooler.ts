import type { BertWeights } from '@wb/core';

/**
 * The weights minus the pooler, so that `bertForward` skips it: token classification and QA
 * (add_pooling_layer=False in Transformers) and [CLS]-state classification never read it.
 */
export function withoutPooler(weights: BertWeights): BertWeights {
  if (!weights['pooler.dense.weight']) return weights;
  const { ['pooler.dense.weight']: _weight, ['pooler.dense.bias']: _bias, ...rest } = weights;
  return rest;
}
