/**
 * table[indices] along axis 0 with a gradient that runs on every backend. tfjs's own Gather
 * gradient needs UnsortedSegmentSum, which tfjs-backend-wasm lacks, so embedding tables could not
 * be trained in Node; this scatters the gradient back with scatterND (which sums repeated rows).
 */
import * as tf from '@tensorflow/tfjs-core';

type CustomGradient = Parameters<typeof tf.customGrad>[0];

export function gatherRows(table: tf.Tensor, indices: tf.Tensor): tf.Tensor {
  const flatIndices = indices.rank === 1 ? indices : tf.reshape(indices, [-1]);
  const f = tf.customGrad(((t: tf.Tensor, save: tf.GradSaveFunc) => {
    save([flatIndices]);
    return {
      value: tf.gather(t, flatIndices),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.scatterND(tf.reshape(saved[0], [-1, 1]), dy, t.shape),
    };
  }) as CustomGradient);
  const rows = f(table) as tf.Tensor;
  if (indices.rank === 1) return rows;
  return tf.reshape(rows, [...indices.shape, ...table.shape.slice(1)]);
}
