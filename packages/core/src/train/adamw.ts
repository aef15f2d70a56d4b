/**
 * AdamW (Loshchilov & Hutter 2019) as PyTorch's torch.optim.AdamW and Hugging Face's Trainer use it:
 * bias-corrected Adam moments, and weight decay applied to the weights directly (decoupled), not
 * added to the gradient. Biases and LayerNorm weights are not decayed, as in BERT.
 */
import * as tf from '@tensorflow/tfjs-core';

export interface AdamWOptions {
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  weightDecay?: number;
  /** Which parameters get weight decay; default: everything but biases, LayerNorm and ScalarMix scalars. */
  decays?: (name: string) => boolean;
}

export interface AdamWState {
  step: number;
  m: Record<string, tf.Tensor>;
  v: Record<string, tf.Tensor>;
  /** Updates of the parameters that started later than the others (Trainer's `trainable` by step); the rest took `step`. */
  updates?: Record<string, number>;
}

/** BERT's rule: no decay on biases and LayerNorm parameters (any 1-D parameter). */
export function decaysByDefault(name: string, shape: readonly number[]): boolean {
  return shape.length > 1 && !/(^|[./])(bias|LayerNorm|layer_norm|gamma|beta)([./]|$)/.test(name);
}

export class AdamW {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly weightDecay: number;
  private readonly decays: (name: string) => boolean;
  private m = new Map<string, tf.Variable>();
  private v = new Map<string, tf.Variable>();
  /** Updates taken so far. */
  step = 0;
  /**
   * Each parameter's own Adam t: its bias correction counts the updates it took, so a parameter
   * unfrozen at step 300 starts as Adam does (m̂ = g, v̂ = g²), not with moments divided as if 300
   * updates had filled them.
   */
  private updates = new Map<string, number>();

  constructor(
    private readonly params: Record<string, tf.Variable>,
    options: AdamWOptions = {},
  ) {
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-8;
    this.weightDecay = options.weightDecay ?? 0.01;
    this.decays = options.decays ?? ((name) => decaysByDefault(name, params[name].shape));
  }

  /** One update of the parameters named in `grads` (frozen parameters simply have no gradient). */
  apply(grads: Record<string, tf.Tensor>, learningRate: number): void {
    this.step++;
    const { beta1, beta2, epsilon } = this;
    for (const [name, grad] of Object.entries(grads)) {
      const param = this.params[name];
      if (!param) throw new Error(`AdamW: gradient for unknown parameter "${name}"`);
      const t = (this.updates.get(name) ?? 0) + 1;
      this.updates.set(name, t);
      const correction1 = 1 - beta1 ** t;
      const correction2 = 1 - beta2 ** t;
      const m = this.moment(this.m, name, param);
      const v = this.moment(this.v, name, param);
      tf.tidy(() => {
        const mNext = tf.add(tf.mul(m, beta1), tf.mul(grad, 1 - beta1));
        const vNext = tf.add(tf.mul(v, beta2), tf.mul(tf.square(grad), 1 - beta2));
        const update = tf.div(tf.div(mNext, correction1), tf.add(tf.sqrt(tf.div(vNext, correction2)), epsilon));
        const decay = this.decays(name) ? 1 - learningRate * this.weightDecay : 1;
        param.assign(tf.sub(tf.mul(param, decay), tf.mul(update, learningRate)));
        m.assign(mNext);
        v.assign(vNext);
      });
    }
  }

  private moment(moments: Map<string, tf.Variable>, name: string, param: tf.Variable): tf.Variable {
    let moment = moments.get(name);
    if (!moment) {
      const zeros = tf.zerosLike(param);
      moment = tf.variable(zeros, false);
      zeros.dispose();
      moments.set(name, moment);
    }
    return moment;
  }

  /** The moments and step, for a training checkpoint (tensors are the live variables: copy before disposing). */
  getState(): AdamWState {
    const late = [...this.updates].filter(([, t]) => t !== this.step);
    return { step: this.step, m: Object.fromEntries(this.m), v: Object.fromEntries(this.v), ...(late.length > 0 ? { updates: Object.fromEntries(late) } : {}) };
  }

  setState(state: AdamWState): void {
    this.dispose();
    this.step = state.step;
    for (const [name, t] of Object.entries(state.m)) this.m.set(name, tf.variable(t, false));
    for (const [name, t] of Object.entries(state.v)) this.v.set(name, tf.variable(t, false));
    // A parameter with moments took every update unless the state says otherwise.
    for (const name of this.m.keys()) this.updates.set(name, state.updates?.[name] ?? state.step);
  }

  dispose(): void {
    for (const t of [...this.m.values(), ...this.v.values()]) t.dispose();
    this.m.clear();
    this.v.clear();
    this.updates.clear();
  }
}
