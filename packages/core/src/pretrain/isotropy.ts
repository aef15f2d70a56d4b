/**
 * How much of a layer's hidden states is one shared direction: ‖mean h‖² / mean ‖h‖² over the real
 * (non-padding) tokens of a batch. 0 when the states are centred; near 1 when every token points the
 * same way.
 *
 * Why a pretraining loss may want it small: a shared direction adds the same amount to every cosine,
 * so two uses of a word look more alike whatever their contexts (Ethayarajh 2019; Gao et al. 2019,
 * "representation degeneration"), and the masked LM alone leaves one there (the 12,000-step
 * bert-mini's top layer: 18% of its energy, random token pairs at cosine 0.18). Penalising the
 * mean's share of the energy asks the layer to spend its dimensions on what differs between tokens;
 * the MLM head's own dense + LayerNorm can still add back any offset its decoder needs.
 */
import * as tf from '@tensorflow/tfjs-core';

/** The mean-direction share of each `[batch, seq, hidden]` layer, averaged over the layers. */
export function meanDirectionShare(layers: tf.Tensor3D[], attentionMask: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const hidden = layers[0].shape[2];
    const mask = tf.reshape(attentionMask, [-1, 1]);
    const count = tf.sum(mask);
    const shares = layers.map((layer) => {
      const states = tf.mul(tf.reshape(layer, [-1, hidden]), mask);
      const mean = tf.div(tf.sum(states, 0), count);
      const energy = tf.div(tf.sum(tf.square(states)), count);
      return tf.div(tf.sum(tf.square(mean)), energy);
    });
    return tf.div(tf.addN(shares), layers.length) as tf.Scalar;
  });
}
