/** The training library: AdamW, the schedule, clipping, freezing, accumulation, exact resumption. */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../src/backend.js';
import { AdamW, decaysByDefault } from '../src/train/adamw.js';
import { clipByGlobalNorm } from '../src/train/clip.js';
import { bertTrainableAfterFreezing } from '../src/train/freeze.js';
import { deriveSeed, Rng } from '../src/train/rng.js';
import { linearWarmupDecay } from '../src/train/schedule.js';
import { Trainer, type StepRecord } from '../src/train/trainer.js';
import { GradientWorkers } from '../src/train/gradient-workers.js';

beforeAll(async () => {
  await initBackend('wasm');
});

describe('AdamW', () => {
  it('takes the bias-corrected, decoupled-decay step of torch.optim.AdamW', () => {
    const w = tf.variable(tf.tensor2d([[1, -2]]), true, 'adamw-w');
    const b = tf.variable(tf.tensor1d([0.5]), true, 'adamw-b');
    const opt = new AdamW({ w, b }, { weightDecay: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 });
    const lr = 0.01;
    opt.apply({ w: tf.tensor2d([[0.2, -0.4]]), b: tf.tensor1d([1]) }, lr);
    // Step 1: m̂ = g, v̂ = g², so the Adam update is g/(|g| + eps) = sign(g); decay multiplies by 1 - lr·wd.
    const expectW = [1 * (1 - lr * 0.1) - lr * 1, -2 * (1 - lr * 0.1) + lr * 1];
    expect(Array.from(w.dataSync())).toEqual(expectW.map((x) => Math.fround(x)).map((x) => expect.closeTo(x, 6)));
    // Biases are not decayed.
    expect(b.dataSync()[0]).toBeCloseTo(0.5 - lr, 6);
    // Step 2 with g2: m = 0.9 m1 + 0.1 g2, v = 0.999 v1 + 0.001 g2², corrected by 1-0.9², 1-0.999².
    opt.apply({ w: tf.tensor2d([[0.1, 0.3]]), b: tf.tensor1d([1]) }, lr);
    const step2 = (w1: number, g1: number, g2: number) => {
      const m = (0.9 * 0.1 * g1 + 0.1 * g2) / (1 - 0.81);
      const v = (0.999 * 0.001 * g1 * g1 + 0.001 * g2 * g2) / (1 - 0.999 ** 2);
      return w1 * (1 - lr * 0.1) - (lr * m) / (Math.sqrt(v) + 1e-8);
    };
    expect(w.dataSync()[0]).toBeCloseTo(step2(expectW[0], 0.2, 0.1), 5);
    expect(w.dataSync()[1]).toBeCloseTo(step2(expectW[1], -0.4, 0.3), 5);
    opt.dispose();
  });

  it('decays matrices but not biases or LayerNorm', () => {
    expect(decaysByDefault('encoder.layer.0.attention.self.query.weight', [4, 4])).toBe(true);
    expect(decaysByDefault('encoder.layer.0.attention.self.query.bias', [4])).toBe(false);
    expect(decaysByDefault('embeddings.LayerNorm.weight', [4])).toBe(false);
    expect(decaysByDefault('embeddings.word_embeddings.weight', [10, 4])).toBe(true);
  });
});

describe('schedule and clipping', () => {
  it('warms up linearly, then decays linearly to zero', () => {
    expect(linearWarmupDecay(0, 1, 4, 10)).toBeCloseTo(0.25);
    expect(linearWarmupDecay(3, 1, 4, 10)).toBeCloseTo(1);
    expect(linearWarmupDecay(4, 1, 4, 10)).toBeCloseTo(1);
    expect(linearWarmupDecay(7, 1, 4, 10)).toBeCloseTo(0.5);
    expect(linearWarmupDecay(10, 1, 4, 10)).toBe(0);
  });

  it('clips by the global norm and reports the norm before clipping', () => {
    const { grads, norm } = clipByGlobalNorm({ a: tf.tensor1d([3, 0]), b: tf.tensor1d([0, 4]) }, 1);
    expect(norm).toBeCloseTo(5);
    expect(Array.from(grads.a.dataSync())[0]).toBeCloseTo(0.6, 5);
    expect(Array.from(grads.b.dataSync())[1]).toBeCloseTo(0.8, 5);
    const unclipped = clipByGlobalNorm({ a: tf.tensor1d([0.3]) }, 1);
    expect(unclipped.grads.a.dataSync()[0]).toBeCloseTo(0.3);
  });
});

describe('Rng', () => {
  it('continues the same stream from a stored state', () => {
    const a = new Rng(42);
    a.next();
    const state = a.state;
    const expected = [a.next(), a.int(100), a.normal()];
    const b = Rng.fromState(state);
    expect([b.next(), b.int(100), b.normal()]).toEqual(expected);
    expect(deriveSeed(1, 2)).not.toBe(deriveSeed(1, 3));
  });
});

/** A linear regression y = x·w with a seeded data stream, small enough to reason about. */
function regression(options: { accumulation?: number; batch?: number; trainable?: (name: string, step: number) => boolean; maxGradNorm?: number }) {
  const params = {
    'layer.0.weight': tf.variable(tf.tensor2d([[0.1], [-0.2], [0.3]]), true),
    'layer.1.weight': tf.variable(tf.tensor2d([[0.5]]), true),
  };
  const truth = [1, -1, 2];
  const batchSize = options.batch ?? 4;
  return new Trainer<{ x: number[][]; y: number[] }>({
    params,
    trainable: options.trainable,
    lossFn: ({ x, y }) => {
      const pred = tf.matMul(tf.matMul(tf.tensor2d(x), params['layer.0.weight']), params['layer.1.weight']);
      return { loss: tf.mean(tf.square(tf.sub(tf.reshape(pred, [-1]), tf.tensor1d(y)))) as tf.Scalar };
    },
    nextBatch: (rng) => {
      const x = Array.from({ length: batchSize }, () => [rng.normal(), rng.normal(), rng.normal()]);
      return { batch: { x, y: x.map((row) => row.reduce((s, v, i) => s + v * truth[i], 0)) }, tokens: batchSize };
    },
    totalSteps: 40,
    learningRate: 0.05,
    warmupSteps: 2,
    accumulation: options.accumulation,
    maxGradNorm: options.maxGradNorm,
    seed: 7,
    adamw: { weightDecay: 0 },
  });
}

describe('Trainer', () => {
  it('lowers the loss', () => {
    const trainer = regression({});
    const first = trainer.step().loss;
    while (!trainer.done) trainer.step();
    expect(trainer.state.history.at(-1)!.loss).toBeLessThan(first / 5);
  });

  it('averages gradients over accumulated batches like one larger batch', () => {
    const big = regression({ batch: 4 });
    const accumulated = regression({ batch: 2, accumulation: 2 });
    const bigRecord = big.step();
    const accumulatedRecord = accumulated.step();
    // Adam's step hardly depends on the gradient's scale, so check the averaged gradient itself.
    expect(accumulatedRecord.gradNorm).toBeCloseTo(bigRecord.gradNorm, 5);
    expect(accumulatedRecord.loss).toBeCloseTo(bigRecord.loss, 5);
    // Same rng stream: the two half-batches are the big batch's rows in order.
    const a = big.options.params['layer.0.weight'].dataSync();
    const b = accumulated.options.params['layer.0.weight'].dataSync();
    for (let i = 0; i < a.length; i++) expect(b[i]).toBeCloseTo(a[i], 6);
  });

  it('never changes frozen parameters', () => {
    const trainer = regression({ trainable: (name) => name !== 'layer.0.weight' });
    const before = Array.from(trainer.options.params['layer.0.weight'].dataSync());
    for (let i = 0; i < 5; i++) trainer.step();
    expect(Array.from(trainer.options.params['layer.0.weight'].dataSync())).toEqual(before);
    expect(trainer.options.params['layer.1.weight'].dataSync()[0]).not.toBe(0.5);
  });

  it('starts a parameter later when `trainable` says so by step, with its own Adam bias correction, and resumes that exactly', () => {
    const late = (name: string, step: number) => name !== 'layer.0.weight' || step >= 3;
    const trainer = regression({ trainable: late });
    const before = Array.from(trainer.options.params['layer.0.weight'].dataSync());
    for (let i = 0; i < 3; i++) trainer.step();
    expect(Array.from(trainer.options.params['layer.0.weight'].dataSync())).toEqual(before);
    // Its first update is Adam's first (m̂ = g, v̂ = g²): lr · sign(g) for every entry, not the
    // 0.58 times that a correction for step 4 would give (0.1/(1 − 0.9⁴) over √(0.001/(1 − 0.999⁴))),
    // nor, unfrozen after many steps, the 0.1/√0.001 ≈ 3.2 times.
    const lr = trainer.learningRateAt(3);
    trainer.step();
    const moved = Array.from(trainer.options.params['layer.0.weight'].dataSync()).map((w, i) => Math.abs(w - before[i]));
    for (const delta of moved) expect(delta).toBeCloseTo(lr, 5);

    const straight = regression({ trainable: late });
    for (let i = 0; i < 8; i++) straight.step();
    const saved = regression({ trainable: late });
    for (let i = 0; i < 5; i++) saved.step();
    const resumed = regression({ trainable: late });
    resumed.restore(saved.save());
    for (let i = 0; i < 3; i++) resumed.step();
    expect(Array.from(resumed.options.params['layer.0.weight'].dataSync())).toEqual(Array.from(straight.options.params['layer.0.weight'].dataSync()));
  });

  it('resumes from a saved state exactly (weights, moments, data position)', () => {
    const straight = regression({});
    for (let i = 0; i < 10; i++) straight.step();

    const first = regression({});
    for (let i = 0; i < 4; i++) first.step();
    const saved = first.save();
    const resumed = regression({});
    resumed.restore(saved);
    for (let i = 0; i < 6; i++) resumed.step();
    for (const name of Object.keys(straight.options.params)) {
      expect(Array.from(resumed.options.params[name].dataSync())).toEqual(Array.from(straight.options.params[name].dataSync()));
    }
    expect(resumed.state.history.map((r) => r.loss)).toEqual(straight.state.history.map((r) => r.loss));
  });

  it('stepAsync takes the same steps as step without a synchronous read (which WebGPU has not)', async () => {
    // Accumulated and clipped (the norm is read mid-step): every number the step reads.
    const sync = regression({ batch: 2, accumulation: 2, maxGradNorm: 0.5 });
    const async = regression({ batch: 2, accumulation: 2, maxGradNorm: 0.5 });
    // (The wasm backend's own asynchronous read is synchronous underneath, so the tensor methods are what is refused.)
    const tensor = tf.Tensor.prototype as unknown as Record<'dataSync' | 'arraySync' | 'bufferSync', unknown>;
    const syncReads = { dataSync: tensor.dataSync, arraySync: tensor.arraySync, bufferSync: tensor.bufferSync };
    const withoutElapsed = ({ elapsed: _elapsed, ...record }: StepRecord) => record;
    for (let i = 0; i < 10; i++) {
      const expected = withoutElapsed(sync.step());
      for (const name of Object.keys(syncReads) as (keyof typeof syncReads)[]) {
        tensor[name] = () => {
          throw new Error(`${name}() in stepAsync`);
        };
      }
      try {
        expect(withoutElapsed(await async.stepAsync())).toEqual(expected);
      } finally {
        Object.assign(tensor, syncReads);
      }
    }
    expect(sync.state.history.some((r) => r.gradNorm > 0.5)).toBe(true);
    for (const name of Object.keys(sync.options.params)) {
      expect(Array.from(async.options.params[name].dataSync())).toEqual(Array.from(sync.options.params[name].dataSync()));
    }
  });

  it('freezes BERT embeddings and the first N layers', () => {
    const trainable = bertTrainableAfterFreezing(2);
    expect(trainable('embeddings.word_embeddings.weight')).toBe(false);
    expect(trainable('encoder.layer.1.output.dense.weight')).toBe(false);
    expect(trainable('encoder.layer.2.output.dense.weight')).toBe(true);
    expect(trainable('pooler.dense.weight')).toBe(true);
    expect(bertTrainableAfterFreezing(0)('embeddings.word_embeddings.weight')).toBe(true);
  });
});

describe('GradientWorkers', () => {
  it('fails the update with the reason when a worker cannot start or its loss throws', async () => {
    const params = { w: tf.variable(tf.ones([2]), true, 'gradient-workers-w') };
    const missing = new GradientWorkers(1, { module: 'file:///nonexistent/loss.js', exportName: 'lossInWorker', setup: {} });
    await expect(missing.compute([[{}]], params, ['w'])).rejects.toThrow(/gradient worker failed: .*nonexistent\/loss\.js/);
    await missing.close();
    // The BERT loss given a batch that is not one: the worker's error comes back as the update's.
    const broken = new GradientWorkers(1, { module: new URL('../dist/pretrain/bert-loss.js', import.meta.url).href, exportName: 'pretrainingLossInWorker', setup: { config: {}, lossWeights: {} } });
    await expect(broken.compute([[{ batchSize: 1 }]], params, ['w'])).rejects.toThrow(/^gradient worker: /);
    await broken.close();
    params.w.dispose();
  });
});
