/** Gradient clipping by global norm (torch.nn.utils.clip_grad_norm_, tf.clip_by_global_norm). */
import * as tf from '@tensorflow/tfjs-core';

/** Scales every gradient by min(1, maxNorm / ‖all gradients‖); returns new tensors and the norm before clipping. */
export function clipByGlobalNorm(grads: Record<string, tf.Tensor>, maxNorm: number): { grads: Record<string, tf.Tensor>; norm: number } {
  const norm = Math.sqrt(
    tf.tidy(() => tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g)))).dataSync()[0] as number),
  );
  const scale = Number.isFinite(maxNorm) && norm > maxNorm ? maxNorm / (norm + 1e-6) : 1;
  const clipped = Object.fromEntries(Object.entries(grads).map(([name, g]) => [name, scale === 1 ? g.clone() : tf.mul(g, scale)]));
  return { grads: clipped, norm };
}
