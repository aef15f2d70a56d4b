/**
 * Bias + GELU, (add &) LayerNorm, their gradients, the 2-D transpose and column sums of the
 * dense layer's gradient (wasm/elementwise.c), and softmax cross-entropy with its gradient
 * (wasm/cross-entropy.c), for tfjs' wasm backend. Contracts: core's ops/.
 */
import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';
import {
  COLUMN_SUM,
  FUSED_ADD_LAYER_NORM,
  FUSED_BIAS_GELU,
  FUSED_BIAS_GELU_GRAD,
  FUSED_LAYER_NORM,
  FUSED_LAYER_NORM_GRAD,
  SOFTMAX_CROSS_ENTROPY,
  SOFTMAX_CROSS_ENTROPY_GRAD,
  TRANSPOSE_2D,
} from '../ops/fused.js';
import type { BiasGeluAttrs } from '../ops/gelu.js';
import type { LayerNormAttrs } from '../ops/layer-norm.js';
import { runWasmKernel, type KernelModule, type WasmBackend } from './module.js';

/** rows × n, n being the last axis. */
function rowsOf(t: TensorInfo): [number, number] {
  const n = t.shape[t.shape.length - 1];
  return [t.shape.reduce((a, b) => a * b, 1) / n, n];
}

export function wasmElementwiseKernels(module: KernelModule): KernelConfig[] {
  const run = (backend: unknown, inputs: Array<TensorInfo | undefined>, outputs: number[][], call: (i: number[], o: number[]) => void) =>
    runWasmKernel(module, backend as WasmBackend, inputs, outputs, call);
  const k = module.exports;
  const kernel = (kernelName: string, kernelFunc: KernelConfig['kernelFunc']): KernelConfig => ({ kernelName, backendName: 'wasm', kernelFunc });
  return [
    kernel(FUSED_BIAS_GELU, ({ inputs, backend, attrs }) => {
      const { x, bias } = inputs as Record<string, TensorInfo>;
      const approximate = (attrs as unknown as BiasGeluAttrs).approximate === 'tanh' ? 1 : 0;
      const [rows, n] = rowsOf(x);
      return run(backend, [x, bias], [x.shape], (i, o) => k.bias_gelu(i[0], i[1], o[0], rows, n, approximate))[0];
    }),
    kernel(FUSED_BIAS_GELU_GRAD, ({ inputs, backend, attrs }) => {
      const { dy, x, bias } = inputs as Record<string, TensorInfo>;
      const approximate = (attrs as unknown as BiasGeluAttrs).approximate === 'tanh' ? 1 : 0;
      const [rows, n] = rowsOf(x);
      return run(backend, [dy, x, bias], [x.shape, bias.shape], (i, o) =>
        k.bias_gelu_backward(i[0], i[1], i[2], o[0], o[1], rows, n, approximate),
      );
    }),
    kernel(FUSED_LAYER_NORM, ({ inputs, backend, attrs }) => {
      const { x, gamma, beta } = inputs as Record<string, TensorInfo>;
      const [rows, n] = rowsOf(x);
      const { epsilon } = attrs as unknown as LayerNormAttrs;
      return run(backend, [x, gamma, beta], [x.shape], (i, o) => k.layer_norm(i[0], 0, i[1], i[2], o[0], rows, n, epsilon))[0];
    }),
    kernel(FUSED_ADD_LAYER_NORM, ({ inputs, backend, attrs }) => {
      const { x, residual, gamma, beta } = inputs as Record<string, TensorInfo>;
      const [rows, n] = rowsOf(x);
      const { epsilon } = attrs as unknown as LayerNormAttrs;
      return run(backend, [x, residual, gamma, beta], [x.shape], (i, o) => k.layer_norm(i[0], i[1], i[2], i[3], o[0], rows, n, epsilon))[0];
    }),
    kernel(FUSED_LAYER_NORM_GRAD, ({ inputs, backend, attrs }) => {
      const { dy, x, residual, gamma } = inputs as Record<string, TensorInfo>;
      const [rows, n] = rowsOf(x);
      const { epsilon } = attrs as unknown as LayerNormAttrs;
      return run(backend, [dy, x, residual, gamma], [x.shape, gamma.shape, gamma.shape], (i, o) =>
        k.layer_norm_backward(i[0], i[1], i[2], i[3], o[0], o[1], o[2], rows, n, epsilon),
      );
    }),
    kernel(TRANSPOSE_2D, ({ inputs, backend }) => {
      const { x } = inputs as Record<string, TensorInfo>;
      const [rows, n] = x.shape;
      return run(backend, [x], [[n, rows]], (i, o) => k.transpose_2d(i[0], o[0], rows, n))[0];
    }),
    kernel(SOFTMAX_CROSS_ENTROPY, ({ inputs, backend }) => {
      const { logits, labels } = inputs as Record<string, TensorInfo>;
      const [rows, n] = logits.shape;
      return run(backend, [logits, labels], [[rows]], (i, o) => k.softmax_cross_entropy(i[0], i[1], o[0], rows, n))[0];
    }),
    kernel(SOFTMAX_CROSS_ENTROPY_GRAD, ({ inputs, backend }) => {
      const { dy, logits, labels } = inputs as Record<string, TensorInfo>;
      const [rows, n] = logits.shape;
      return run(backend, [dy, logits, labels], [logits.shape], (i, o) => k.softmax_cross_entropy_backward(i[0], i[1], i[2], o[0], rows, n))[0];
    }),
    kernel(COLUMN_SUM, ({ inputs, backend }) => {
      const { x } = inputs as Record<string, TensorInfo>;
      const [rows, n] = x.shape;
      return run(backend, [x], [[n]], (i, o) => k.column_sum(i[0], o[0], rows, n))[0];
    }),
  ];
}
