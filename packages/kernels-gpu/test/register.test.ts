/**
 * Registration, in Node (no browser needed): kernels go only to backends registered with tfjs,
 * registering twice changes nothing, and core keeps its stock path on the other backends.
 */
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FUSED_ADD_LAYER_NORM, FUSED_ATTENTION, FUSED_BIAS_GELU, FUSED_LAYER_NORM } from '@wb/core';
import { FUSED_KERNEL_CONFIGS, registerFusedKernels } from '../src/index.js';

const NAMES = [FUSED_ATTENTION, FUSED_LAYER_NORM, FUSED_ADD_LAYER_NORM, FUSED_BIAS_GELU];

describe('registerFusedKernels', () => {
  afterEach(() => vi.restoreAllMocks());

  it('has one kernel per op contract for each backend', () => {
    for (const backend of ['webgpu', 'webgl'] as const) {
      expect(FUSED_KERNEL_CONFIGS[backend].map((c) => c.kernelName).sort()).toEqual([...NAMES].sort());
      expect(FUSED_KERNEL_CONFIGS[backend].every((c) => c.backendName === backend)).toBe(true);
    }
  });

  it('registers for the backends tfjs knows (webgl here, not webgpu), and only once', () => {
    // tfjs-backend-webgl registers its factory only in a browser: stand in for it (never initialised).
    tf.registerBackend('webgl', () => {
      throw new Error('no WebGL in Node');
    }, -100);
    const warn = vi.spyOn(console, 'warn');
    expect(tf.findBackendFactory('webgpu')).toBeFalsy();
    expect(registerFusedKernels()).toEqual(['webgl']);
    expect(registerFusedKernels()).toEqual(['webgl']);
    expect(warn).not.toHaveBeenCalled();
    for (const name of NAMES) {
      expect(tf.getKernel(name, 'webgl')).toBeDefined();
      expect(tf.getKernel(name, 'webgpu')).toBeUndefined();
      expect(tf.getKernel(name, 'cpu')).toBeUndefined();
    }
    tf.removeBackend('webgl');
  });
});
