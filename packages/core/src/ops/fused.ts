/**
 * The op contracts that packages/kernels-gpu fills with fused kernels. Core always calls these
 * functions; when the active backend has a kernel registered under the name, it runs in one
 * launch, otherwise the same math is composed from stock tfjs ops. Gradients are registered
 * here once, as stock-op compositions, so training works with either path.
 */
import * as tf from '@tensorflow/tfjs-core';

export const FUSED_ATTENTION = 'WbFusedAttention';
export const FUSED_LAYER_NORM = 'WbLayerNorm';
export const FUSED_ADD_LAYER_NORM = 'WbAddLayerNorm';
export const FUSED_BIAS_GELU = 'WbBiasGelu';

/** True when `kernelName` has a fused kernel for the active backend (and fusing is not disabled). */
export function hasFusedKernel(kernelName: string): boolean {
  if (fusedKernelsDisabled) return false;
  return tf.getKernel(kernelName, tf.getBackend()) !== undefined;
}

let fusedKernelsDisabled = false;

/** Forces the stock-op composition (benchmarks and parity tests compare both). */
export function setFusedKernelsEnabled(enabled: boolean): void {
  fusedKernelsDisabled = !enabled;
}

export function fusedKernelsEnabled(): boolean {
  return !fusedKernelsDisabled;
}
