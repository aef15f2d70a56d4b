/** Gradient clipping by global norm (torch.nn.utils.clip_grad_norm_, tf.clip_by_global_norm). */
import * as tf from '@tensorflow/tfjs-core';

/**
 * ‖all gradients‖², still on the backend: the Trainer reads it with the rest of a step's numbers,
 * synchronously or with `await data()` (WebGPU has no synchronous read).
 */
export function squaredGlobalNorm(grads: Record<string, tf.Tensor>): tf.Scalar {
  return tf.tidy(() => tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g)))) as tf.Scalar);
}

/**
 * Scales every gradient by maxNorm / norm when their global `norm` is above `maxNorm`. When nothing
 * needs scaling the same tensors come back (no copies on the common path).
 */
export function clipToNorm(grads: Record<string, tf.Tensor>, norm: number, maxNorm: number): Record<string, tf.Tensor> {
  if (!(Number.isFinite(maxNorm) && norm > maxNorm)) return grads;
  const scale = maxNorm / (norm + 1e-6);
  return Object.fromEntries(Object.entries(grads).map(([name, g]) => [name, tf.mul(g, scale)]));
}

/** Both in one, reading the norm synchronously (CPU and WebAssembly backends): the clipped gradients and the norm before clipping. */
export function clipByGlobalNorm(grads: Record<string, tf.Tensor>, maxNorm: number): { grads: Record<string, tf.Tensor>; norm: number } {
  const squared = squaredGlobalNorm(grads);
  const norm = Math.sqrt(squared.dataSync()[0]);
  squared.dispose();
  return { grads: clipToNorm(grads, norm, maxNorm), norm };
}
