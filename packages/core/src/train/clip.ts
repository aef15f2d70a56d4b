/** Gradient clipping by global norm (torch.nn.utils.clip_grad_norm_, tf.clip_by_global_norm). */
import * as tf from '@tensorflow/tfjs-core';

/**
 * Scales every gradient by min(1, maxNorm / ‖all gradients‖) and returns the norm before clipping.
 * When nothing needs scaling the same tensors come back (no copies on the common path).
 */
export function clipByGlobalNorm(grads: Record<string, tf.Tensor>, maxNorm: number): { grads: Record<string, tf.Tensor>; norm: number } {
  const norm = Math.sqrt(
    tf.tidy(() => tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g)))).dataSync()[0] as number),
  );
  if (!(Number.isFinite(maxNorm) && norm > maxNorm)) return { grads, norm };
  const scale = maxNorm / (norm + 1e-6);
  return { grads: Object.fromEntries(Object.entries(grads).map(([name, g]) => [name, tf.mul(g, scale)])), norm };
}
