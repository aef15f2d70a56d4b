/**
 * Core's Slice, Unpack and SplitV for the wasm backend (kernels-wasm/slice.ts) give what tfjs-wasm's
 * own give, element for element: contiguous and strided slices of every rank up to 5, float32, int32
 * and bool, empty parts, negative axes, and gradients through them.
 */
import * as tf from '@tensorflow/tfjs-core';
import '../src/train/gradients.js';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../src/backend.js';
import { setFusedKernelsEnabled } from '../src/ops/fused.js';
import { Rng } from '../src/train/rng.js';

beforeAll(async () => {
  await initBackend('wasm');
});
afterEach(() => setFusedKernelsEnabled(true));

/** What `op` gives with core's kernels and with tfjs-wasm's stock ones, as nested arrays. */
function oursAndStock(op: () => tf.Tensor | tf.Tensor[]) {
  const values = () => tf.tidy(() => [op()].flat().map((t) => ({ shape: t.shape, dtype: t.dtype, data: Array.from(t.dataSync()) })));
  const ours = values();
  setFusedKernelsEnabled(false);
  const stock = values();
  setFusedKernelsEnabled(true);
  return { ours, stock };
}

function randomTensor(rng: Rng, shape: number[], dtype: 'float32' | 'int32' | 'bool'): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = Array.from({ length: n }, () => (dtype === 'float32' ? rng.next() * 2 - 1 : dtype === 'int32' ? rng.int(1000) - 500 : rng.int(2)));
  return tf.tensor(data, shape, dtype);
}

describe('slices on the wasm backend read the heap in place', () => {
  it('tf.slice: every rank to 5, any begin and size, three dtypes', () => {
    const rng = new Rng(11);
    let strided = 0;
    for (let trial = 0; trial < 200; trial++) {
      const rank = 1 + rng.int(5);
      const shape = Array.from({ length: rank }, () => 1 + rng.int(6));
      const begin = shape.map((d) => rng.int(d));
      const size = shape.map((d, i) => (rng.int(4) === 0 ? -1 : rng.int(d - begin[i] + 1)));
      const dtype = (['float32', 'int32', 'bool'] as const)[trial % 3];
      const x = randomTensor(rng, shape, dtype);
      const { ours, stock } = oursAndStock(() => tf.slice(x, begin, size));
      expect(ours, `slice ${JSON.stringify({ shape, begin, size, dtype })}`).toEqual(stock);
      if (size.slice(1).some((s, i) => s !== -1 && s < shape[i + 1])) strided++;
      x.dispose();
    }
    expect(strided).toBeGreaterThan(50); // the row-by-row path ran, not only the contiguous one
  });

  it('tf.unstack along every axis, and an LSTM-sized one', () => {
    const rng = new Rng(12);
    const x = randomTensor(rng, [3, 4, 5, 2], 'float32');
    for (const axis of [0, 1, 2, 3, -1]) {
      const { ours, stock } = oursAndStock(() => tf.unstack(x, axis));
      expect(ours, `axis ${axis}`).toEqual(stock);
    }
    const gates = randomTensor(rng, [22, 8, 64], 'float32');
    const { ours, stock } = oursAndStock(() => tf.unstack(gates));
    expect(ours).toHaveLength(22);
    expect(ours).toEqual(stock);
    tf.dispose([x, gates]);
  });

  it('tf.split into equal parts and given sizes (with -1 and 0), on any axis', () => {
    const rng = new Rng(13);
    const x = randomTensor(rng, [4, 12, 3], 'int32');
    for (const [splits, axis] of [
      [4, 1],
      [[5, 0, -1], 1],
      [2, 0],
      [[1, 2], -1],
    ] as Array<[number | number[], number]>) {
      const { ours, stock } = oursAndStock(() => tf.split(x, splits, axis));
      expect(ours, `split ${JSON.stringify(splits)} on ${axis}`).toEqual(stock);
    }
    x.dispose();
  });

  it('gradients through slice, unstack and split are unchanged', () => {
    const rng = new Rng(14);
    const x = randomTensor(rng, [5, 6, 4], 'float32');
    const w = randomTensor(rng, [5, 6, 4], 'float32');
    const loss = (v: tf.Tensor) => {
      const [a, b] = tf.split(tf.slice(tf.mul(v, w), [1, 0, 1], [3, 6, 3]), [2, 4], 1);
      return tf.add(tf.sum(tf.mul(a, a)), tf.sum(tf.addN(tf.unstack(b, 2))));
    };
    const { ours, stock } = oursAndStock(() => tf.grad(loss)(x));
    expect(ours).toEqual(stock);
    tf.dispose([x, w]);
  });
});
