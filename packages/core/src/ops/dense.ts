/**
 * x·W + b for 2-D x and W held [in, out], with a gradient that transposes explicitly. tfjs's own
 * matMul gradient calls matMul with transposeA/transposeB, which tfjs-wasm runs 10–20× slower than a
 * transpose followed by a plain matMul (measured: dy·Wᵀ 77 ms vs 7 ms, xᵀ·dy 157 ms vs 9 ms at
 * 2048×128×512), and that made training on wasm several times slower than it needs to be.
 */
import * as tf from '@tensorflow/tfjs-core';
import { COLUMN_SUM, TRANSPOSE_2D, hasFusedKernel } from './fused.js';

/** xᵀ for 2-D x: one blocked kernel where the backend has one (tfjs-wasm's Transpose is slow). */
function transpose2d(x: tf.Tensor2D): tf.Tensor2D {
  return hasFusedKernel(TRANSPOSE_2D) ? (tf.engine().runKernel(TRANSPOSE_2D, { x }) as tf.Tensor2D) : tf.transpose(x);
}

/** Sums over the rows of 2-D x (tfjs-wasm reduces axis 0 through a transpose). */
function columnSum(x: tf.Tensor2D): tf.Tensor1D {
  return hasFusedKernel(COLUMN_SUM) ? (tf.engine().runKernel(COLUMN_SUM, { x }) as tf.Tensor1D) : tf.sum(x, 0);
}

type CustomGradient = Parameters<typeof tf.customGrad>[0];

function denseNoBias(x: tf.Tensor2D, weight: tf.Tensor2D): tf.Tensor2D {
  const f = tf.customGrad(((a: tf.Tensor2D, w: tf.Tensor2D, save: tf.GradSaveFunc) => {
    save([a, w]);
    return {
      value: tf.matMul(a, w),
      gradFunc: (dy: tf.Tensor2D, [savedA, savedW]: tf.Tensor[]) => [
        tf.matMul(dy, transpose2d(savedW as tf.Tensor2D)),
        tf.matMul(transpose2d(savedA as tf.Tensor2D), dy),
      ],
    };
  }) as CustomGradient);
  return f(x, weight) as tf.Tensor2D;
}

function denseWithBias(x: tf.Tensor2D, weight: tf.Tensor2D, bias: tf.Tensor): tf.Tensor2D {
  const f = tf.customGrad(((a: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor, save: tf.GradSaveFunc) => {
    save([a, w]);
    return {
      value: tf.fused.matMul({ a, b: w, bias: b }),
      gradFunc: (dy: tf.Tensor2D, [savedA, savedW]: tf.Tensor[]) => [
        tf.matMul(dy, transpose2d(savedW as tf.Tensor2D)),
        tf.matMul(transpose2d(savedA as tf.Tensor2D), dy),
        tf.reshape(columnSum(dy), b.shape),
      ],
    };
  }) as CustomGradient);
  return f(x, weight, bias) as tf.Tensor2D;
}

export function dense(x: tf.Tensor, weight: tf.Tensor, bias?: tf.Tensor): tf.Tensor2D {
  if (x.rank !== 2 || weight.rank !== 2) throw new Error(`dense: expected 2-D input and weight, got [${x.shape}] and [${weight.shape}]`);
  return bias ? denseWithBias(x as tf.Tensor2D, weight as tf.Tensor2D, bias) : denseNoBias(x as tf.Tensor2D, weight as tf.Tensor2D);
}
