/**
 * Fused WebGPU and WebGL kernels for the op contracts of @wb/core (`WbFusedAttention`,
 * `WbLayerNorm`, `WbAddLayerNorm`, `WbBiasGelu`). Import the tfjs backends you want first, then
 * call `registerFusedKernels()`: core's `attention`, `layerNorm` and `biasGelu` (and so BERT) run
 * these kernels from then on whenever the active backend is one of them. Gradients are core's
 * (registered once per kernel name, composed of stock ops), so training goes through them too.
 *
 * This package never imports a backend itself: it registers kernels only for the backends that
 * are registered with tfjs when it is called.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig } from '@tensorflow/tfjs-core';
import { fusedAttentionWebGPUConfig } from './webgpu/attention.js';
import { addLayerNormWebGPUConfig, layerNormWebGPUConfig } from './webgpu/layer-norm.js';
import { biasGeluWebGPUConfig } from './webgpu/gelu.js';
import { fusedAttentionWebGLConfig } from './webgl/attention.js';
import { addLayerNormWebGLConfig, layerNormWebGLConfig } from './webgl/layer-norm.js';
import { biasGeluWebGLConfig } from './webgl/gelu.js';

export type FusedBackend = 'webgpu' | 'webgl';

export const FUSED_KERNEL_CONFIGS: Record<FusedBackend, KernelConfig[]> = {
  webgpu: [fusedAttentionWebGPUConfig, layerNormWebGPUConfig, addLayerNormWebGPUConfig, biasGeluWebGPUConfig],
  webgl: [fusedAttentionWebGLConfig, layerNormWebGLConfig, addLayerNormWebGLConfig, biasGeluWebGLConfig],
};

/**
 * Registers the fused kernels for every backend in `backends` (default: webgpu and webgl) that is
 * registered with tfjs. Idempotent: a kernel already registered under the name is left alone.
 * Returns the backends that have the kernels afterwards.
 */
export function registerFusedKernels(backends: FusedBackend[] = ['webgpu', 'webgl']): FusedBackend[] {
  const covered: FusedBackend[] = [];
  for (const backend of backends) {
    if (!tf.findBackendFactory(backend)) continue;
    for (const config of FUSED_KERNEL_CONFIGS[backend]) {
      if (!tf.getKernel(config.kernelName, backend)) tf.registerKernel(config);
    }
    covered.push(backend);
  }
  return covered;
}
