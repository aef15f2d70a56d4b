/**
 * Core's gradients for the four fused-kernel names, in Node, without a browser: stand-in kernels
 * for the cpu backend compute each op with core's composition, so that core dispatches to
 * `runKernel` and backprop goes through the gradients registered for the kernel names (the path
 * WebGPU/WebGL take), compared with autodiff through the composition. A regression test for
 * gradients that cached tensors across tfjs' per-input tidies ("Tensor is disposed").
 */
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core alone registers no gradients for stock ops.
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BERT_DEFAULTS,
  FUSED_ADD_LAYER_NORM,
  FUSED_ATTENTION,
  FUSED_BIAS_GELU,
  FUSED_LAYER_NORM,
  attention,
  attentionProbs,
  bertForward,
  biasGelu,
  gelu,
  hasFusedKernel,
  initBertWeights,
  layerNorm,
  layerNormComposed,
  setFusedKernelsEnabled,
  type GeluApproximation,
} from '@wb/core';

type Inputs = Record<string, tf.Tensor>;
type Attrs = Record<string, unknown>;

const STAND_INS: Array<[string, (inputs: Inputs, attrs: Attrs) => tf.Tensor | tf.Tensor[]]> = [
  [
    FUSED_ATTENTION,
    ({ q, k, v, mask }, { scale, returnProbs }) => {
      const probs = attentionProbs(q as tf.Tensor4D, k as tf.Tensor4D, scale as number, mask);
      const context = tf.matMul(probs, v);
      return returnProbs ? [context, probs] : context;
    },
  ],
  [FUSED_LAYER_NORM, ({ x, gamma, beta }, { epsilon }) => layerNormComposed(x, gamma, beta, epsilon as number)],
  [
    FUSED_ADD_LAYER_NORM,
    ({ x, residual, gamma, beta }, { epsilon }) => layerNormComposed(tf.add(x, residual), gamma, beta, epsilon as number),
  ],
  [FUSED_BIAS_GELU, ({ x, bias }, { approximate }) => gelu(tf.add(x, bias), approximate as GeluApproximation)],
];

/** max |fused − stock| / max(1, max |stock|) over the gradients `run` returns. */
function gradientGap(run: () => tf.Tensor[]): number {
  setFusedKernelsEnabled(true);
  const fused = run();
  setFusedKernelsEnabled(false);
  const stock = run();
  setFusedKernelsEnabled(true);
  let worst = 0;
  fused.forEach((f, i) => {
    const a = f.dataSync();
    const b = stock[i].dataSync();
    let diff = 0;
    let scale = 1;
    for (let j = 0; j < a.length; j++) {
      diff = Math.max(diff, Math.abs(a[j] - b[j]));
      scale = Math.max(scale, Math.abs(b[j]));
    }
    worst = Math.max(worst, Number.isNaN(diff) ? Infinity : diff / scale);
  });
  tf.dispose([...fused, ...stock]);
  return worst;
}

describe("core's gradients behind the fused-kernel names", () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
    for (const [kernelName, compute] of STAND_INS) {
      tf.registerKernel({
        kernelName,
        backendName: 'cpu',
        kernelFunc: ({ inputs, attrs }) => tf.tidy(() => compute(inputs as unknown as Inputs, (attrs ?? {}) as Attrs)),
      });
    }
  });

  afterAll(() => {
    for (const [kernelName] of STAND_INS) tf.unregisterKernel(kernelName, 'cpu');
  });

  const rand = (shape: number[], seed: number) => tf.randomNormal(shape, 0, 1, 'float32', seed);

  it('dispatches to the kernels', () => {
    for (const [kernelName] of STAND_INS) expect(hasFusedKernel(kernelName)).toBe(true);
  });

  it('attention: q, k, v, with a mask and with the probabilities used', () => {
    const [q, k, v] = [rand([2, 3, 5, 8], 1), rand([2, 3, 5, 8], 2), rand([2, 3, 5, 8], 3)];
    const mask = tf.tensor2d([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]]);
    const [wc, wp] = [rand([2, 3, 5, 8], 4), rand([2, 3, 5, 5], 5)];
    for (const returnProbs of [false, true]) {
      const gap = gradientGap(() =>
        tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => {
          const { context, probs } = attention(a as tf.Tensor4D, b as tf.Tensor4D, c as tf.Tensor4D, mask, { returnProbs });
          const loss = tf.sum(tf.mul(context, wc));
          return probs ? tf.add(loss, tf.sum(tf.mul(probs, wp))) : loss;
        })([q, k, v]),
      );
      expect(gap).toBeLessThan(1e-5);
    }
    // Self-attention on one tensor: its three gradients accumulate into one.
    expect(gradientGap(() => tf.grads((a: tf.Tensor) => tf.sum(tf.mul(attention(a as tf.Tensor4D, a as tf.Tensor4D, a as tf.Tensor4D).context, wc)))([q]))).toBeLessThan(1e-5);
    tf.dispose([q, k, v, mask, wc, wp]);
  });

  it('layerNorm with and without the residual, and with x as its own residual', () => {
    const [x, r, g, b, w] = [rand([2, 4, 6], 6), rand([2, 4, 6], 7), rand([6], 8), rand([6], 9), rand([2, 4, 6], 10)];
    expect(gradientGap(() => tf.grads((a: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(layerNorm(a, gg, bb, 1e-5), w)))([x, g, b]))).toBeLessThan(1e-5);
    expect(
      gradientGap(() =>
        tf.grads((a: tf.Tensor, rr: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(layerNorm(a, gg, bb, 1e-5, rr), w)))([x, r, g, b]),
      ),
    ).toBeLessThan(1e-5);
    expect(gradientGap(() => tf.grads((a: tf.Tensor) => tf.sum(tf.mul(layerNorm(a, g, b, 1e-5, a), w)))([x]))).toBeLessThan(1e-5);
    tf.dispose([x, r, g, b, w]);
  });

  it('biasGelu, erf and tanh', () => {
    const [x, bias, w] = [rand([3, 7], 11), rand([7], 12), rand([3, 7], 13)];
    for (const approximate of ['erf', 'tanh'] as const) {
      expect(gradientGap(() => tf.grads((a: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(biasGelu(a, bb, approximate), w)))([x, bias]))).toBeLessThan(1e-5);
    }
    tf.dispose([x, bias, w]);
  });

  it('a whole BERT encoder: every weight, no tensor left behind', () => {
    const config = { ...BERT_DEFAULTS, vocabSize: 50, numHiddenLayers: 2, hiddenSize: 16, numAttentionHeads: 2, intermediateSize: 32 };
    const weights = initBertWeights(config, { pooler: false }, 1);
    const names = Object.keys(weights);
    const inputIds = tf.tensor2d([[1, 5, 9, 2], [3, 4, 0, 0]], undefined, 'int32');
    const attentionMask = tf.tensor2d([[1, 1, 1, 1], [1, 1, 0, 0]]);
    const w = rand([2, 4, 16], 14);
    const before = tf.memory().numTensors;
    const gap = gradientGap(() =>
      tf.grads((...ws: tf.Tensor[]) => {
        const out = bertForward(Object.fromEntries(names.map((n, i) => [n, ws[i]])), config, { inputIds, attentionMask });
        return tf.sum(tf.mul(out.lastHiddenState, w));
      })(names.map((n) => weights[n])),
    );
    expect(gap).toBeLessThan(1e-5);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([inputIds, attentionMask, w, ...Object.values(weights)]);
  });
});
