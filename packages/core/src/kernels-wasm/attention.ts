/**
 * `WbFusedAttention` and its gradient `WbFusedAttentionGrad` for tfjs' wasm backend, on the
 * workbench's SIMD kernel (wasm/attention.c). Same contract as kernels-gpu's WebGPU/WebGL kernels
 * (core's ops/attention.ts): q, k, v [batch, heads, seq, headDim] and a keep mask [batch, seqK];
 * outputs the context and, with `returnProbs`, the probabilities.
 */
import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';
import { FUSED_ATTENTION, FUSED_ATTENTION_GRAD } from '../ops/fused.js';
import type { AttentionAttrs } from '../ops/attention.js';
import { runWasmKernel, type KernelModule, type WasmBackend } from './module.js';

export function wasmAttentionKernels(module: KernelModule): KernelConfig[] {
  const forward: KernelConfig = {
    kernelName: FUSED_ATTENTION,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { q, k, v, mask } = inputs as Record<string, TensorInfo>;
      const { scale, returnProbs } = attrs as unknown as AttentionAttrs;
      const [batch, heads, sq, d] = q.shape;
      const sk = k.shape[2];
      const outputs = returnProbs ? [q.shape, [batch, heads, sq, sk]] : [q.shape];
      const [context, probs] = runWasmKernel(module, backend as unknown as WasmBackend, [q, k, v, mask], outputs, (i, o, scratch) =>
        module.exports.attention_forward(i[0], i[1], i[2], i[3], o[0], o[1] ?? 0, scratch, batch, heads, sq, sk, d, scale),
      2 * sk);
      return returnProbs ? [context, probs] : context;
    },
  };
  const backward: KernelConfig = {
    kernelName: FUSED_ATTENTION_GRAD,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { q, k, v, mask, dContext, dProbs } = inputs as Record<string, TensorInfo>;
      const { scale } = attrs as unknown as AttentionAttrs;
      const [batch, heads, sq, d] = q.shape;
      const sk = k.shape[2];
      return runWasmKernel(module, backend as unknown as WasmBackend, [q, k, v, mask, dContext, dProbs], [q.shape, k.shape, v.shape], (i, o, scratch) =>
        module.exports.attention_backward(i[0], i[1], i[2], i[3], i[4], i[5], o[0], o[1], o[2], scratch, batch, heads, sq, sk, d, scale),
      3 * sk);
    },
  };
  return [forward, backward];
}
