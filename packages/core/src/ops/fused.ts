/**
 * The op contracts that packages/kernels-gpu fills with fused kernels. Core always calls these
 * functions; when the active backend has a kernel registered under the name, it runs in one
 * launch, otherwise the same math is composed from stock tfjs ops. Gradients are registered
 * here once, as stock-op compositions, so training works with either path.
 */
import * as tf from '@tensorflow/tfjs-core';

export const FUSED_ATTENTION = 'WbFusedAttention';
/** Optional: the gradient of FUSED_ATTENTION in one kernel (dq, dk, dv); else stock ops. */
export const FUSED_ATTENTION_GRAD = 'WbFusedAttentionGrad';
export const FUSED_LAYER_NORM = 'WbLayerNorm';
export const FUSED_ADD_LAYER_NORM = 'WbAddLayerNorm';
export const FUSED_BIAS_GELU = 'WbBiasGelu';
/**
 * Optional kernels a backend may add for the training path (core's wasm kernels do): gradients in
 * one kernel each, and the transpose and column sums of the dense layer's gradient. Without them
 * the same math is composed from stock ops.
 */
export const FUSED_BIAS_GELU_GRAD = 'WbBiasGeluGrad';
export const FUSED_LAYER_NORM_GRAD = 'WbLayerNormGrad';
export const TRANSPOSE_2D = 'WbTranspose2D';
/** Per-row softmax cross-entropy against integer labels, and its gradient (ops/cross-entropy.ts). */
export const SOFTMAX_CROSS_ENTROPY = 'WbSoftmaxCrossEntropy';
export const SOFTMAX_CROSS_ENTROPY_GRAD = 'WbSoftmaxCrossEntropyGrad';
export const COLUMN_SUM = 'WbColumnSum';

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
