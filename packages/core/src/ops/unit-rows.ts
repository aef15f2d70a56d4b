/**
 * Each row of a matrix scaled to unit length, for cosines that are trained through: sqrt(‖x‖² + ε),
 * not ‖x‖, because a zero row (padding) would make the norm's gradient 0/0.
 */
import * as tf from '@tensorflow/tfjs-core';

export function unitRows(x: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.div(x, tf.sqrt(tf.add(tf.sum(tf.square(x), 1, true), 1e-12))));
}
