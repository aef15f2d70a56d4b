/** Moving between one hidden vector per token and one vector per attention head. */
import * as tf from '@tensorflow/tfjs-core';

/** [batch, seq, hidden] → [batch, heads, seq, hidden / heads] */
export function splitHeads(x: tf.Tensor, heads: number): tf.Tensor4D {
  const [batch, seq, hidden] = x.shape;
  return tf.transpose(tf.reshape(x, [batch, seq, heads, hidden / heads]), [0, 2, 1, 3]);
}

/** [batch, heads, seq, headDim] → [batch, seq, heads · headDim] */
export function mergeHeads(x: tf.Tensor4D): tf.Tensor3D {
  const [batch, heads, seq, headDim] = x.shape;
  return tf.reshape(tf.transpose(x, [0, 2, 1, 3]), [batch, seq, heads * headDim]);
}
