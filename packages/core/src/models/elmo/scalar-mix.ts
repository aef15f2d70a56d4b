/**
 * ScalarMix: gamma * sum_k softmax(s)_k * layer_k (optionally layer-normalising each layer over the
 * unmasked values, as AllenNLP's do_layer_norm).
 */
import * as tf from '@tensorflow/tfjs-core';

export function scalarMix(
  layers: tf.Tensor[],
  scalarParameters: tf.Tensor,
  gamma: tf.Tensor,
  options: { mask?: tf.Tensor; doLayerNorm?: boolean } = {},
): tf.Tensor {
  if (layers.length !== scalarParameters.size) {
    throw new Error(`ScalarMix has ${scalarParameters.size} weights but got ${layers.length} layers`);
  }
  return tf.tidy(() => {
    const weights = tf.unstack(tf.softmax(tf.reshape(scalarParameters, [-1])));
    let norm = (x: tf.Tensor) => x;
    if (options.doLayerNorm) {
      if (!options.mask) throw new Error('ScalarMix with doLayerNorm needs the mask');
      const mask = tf.expandDims(tf.cast(options.mask, 'float32'), -1);
      const count = tf.mul(tf.sum(mask), layers[0].shape[layers[0].rank - 1]);
      norm = (x: tf.Tensor) => {
        const masked = tf.mul(x, mask);
        const mean = tf.div(tf.sum(masked), count);
        const variance = tf.div(tf.sum(tf.square(tf.mul(tf.sub(masked, mean), mask))), count);
        return tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-13)));
      };
    }
    const pieces = layers.map((layer, k) => tf.mul(weights[k], norm(layer)));
    return tf.mul(gamma, pieces.length === 1 ? pieces[0] : tf.addN(pieces));
  });
}

/** A trainable ScalarMix (AllenNLP's): scalar parameters start at 0 (equal weights), gamma at 1. */
export class ScalarMix {
  readonly scalarParameters: tf.Variable;
  readonly gamma: tf.Variable;
  readonly doLayerNorm: boolean;

  constructor(
    readonly mixtureSize: number,
    options: { doLayerNorm?: boolean; initialScalarParameters?: number[]; trainable?: boolean; name?: string } = {},
  ) {
    const initial = options.initialScalarParameters ?? new Array<number>(mixtureSize).fill(0);
    if (initial.length !== mixtureSize) {
      throw new Error(`ScalarMix: ${initial.length} initial parameters for ${mixtureSize} layers`);
    }
    const trainable = options.trainable ?? true;
    const name = options.name ?? `scalar_mix_${ScalarMix.count++}`;
    this.scalarParameters = tf.variable(tf.tensor1d(initial), trainable, `${name}/scalar_parameters`);
    this.gamma = tf.variable(tf.scalar(1), trainable, `${name}/gamma`);
    this.doLayerNorm = options.doLayerNorm ?? false;
  }

  private static count = 0;

  apply(layers: tf.Tensor[], mask?: tf.Tensor): tf.Tensor {
    return scalarMix(layers, this.scalarParameters, this.gamma, { mask, doLayerNorm: this.doLayerNorm });
  }

  /** The normalised layer weights (softmax of the scalar parameters) and gamma, read without blocking (as WebGPU requires). */
  async values(): Promise<{ weights: number[]; gamma: number }> {
    const normalised = tf.softmax(this.scalarParameters as tf.Tensor1D);
    try {
      return { weights: Array.from(await normalised.data()), gamma: (await this.gamma.data())[0] };
    } finally {
      normalised.dispose();
    }
  }

  variables(): tf.Variable[] {
    return [this.scalarParameters, this.gamma];
  }

  dispose(): void {
    this.scalarParameters.dispose();
    this.gamma.dispose();
  }
}
