/**
 * Slice, Unpack and SplitV for tfjs' wasm backend that read their input through a view of the wasm
 * heap. tfjs-backend-wasm 4.22's Slice reads its input with `readSync`, which copies the whole tensor
 * out of the heap (`HEAPU8.slice`) before copying the part it wants, and its Unpack and SplitV call
 * that Slice once per output. Taking one time step at a time out of an ELMo LSTM's [22, 64, 2048]
 * gate inputs copied all 11 MB 22 times: `tf.unstack` took 370 ms, a third of an ELMo training step,
 * and a 4-way split of a [64, 2048] tensor 6.7 ms against 0.1 ms for adding it to itself.
 *
 * Same results, bit for bit (only copies). `setFusedKernelsEnabled(false)` gives tfjs' own back, as
 * for core's other kernels.
 */
import * as tf from '@tensorflow/tfjs-core';
import { backend_util, slice_util, util, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { fusedKernelsEnabled } from '../ops/fused.js';

function sliceFromHeap(x: TensorInfo, begin: number[], size: number[], backend: BackendWasm): TensorInfo {
  const [start, extent] = slice_util.parseSliceParams(x, begin, size);
  const out = backend.makeOutput(extent, x.dtype);
  // Views taken after makeOutput, whose allocation may grow (and so replace) the heap.
  const from = backend.typedArrayFromHeap(x);
  const to = backend.typedArrayFromHeap(out);
  const strides = util.computeStrides(x.shape);
  if (slice_util.isSliceContinous(x.shape, start, extent)) {
    const offset = slice_util.computeFlatOffset(start, strides);
    to.set(from.subarray(offset, offset + util.sizeFromShape(extent)));
    return out;
  }
  // Rows of the innermost dimension, visited in order with an odometer over the outer ones.
  const rank = x.shape.length;
  const row = extent[rank - 1];
  const rows = util.sizeFromShape(extent.slice(0, -1));
  const index = new Array<number>(rank - 1).fill(0);
  for (let r = 0; r < rows; r++) {
    let offset = start[rank - 1];
    for (let d = 0; d < rank - 1; d++) offset += (start[d] + index[d]) * strides[d];
    to.set(from.subarray(offset, offset + row), r * row);
    for (let d = rank - 2; d >= 0 && ++index[d] === extent[d]; d--) index[d] = 0;
  }
  return out;
}

type Args = { inputs: Record<string, TensorInfo>; backend: BackendWasm; attrs: Record<string, unknown> };

const slice = (args: Args) => {
  const { x } = args.inputs;
  const { begin, size } = args.attrs as { begin: number[]; size: number[] };
  return sliceFromHeap(x, begin, size, args.backend);
};

const unpack = (args: Args) => {
  const { value } = args.inputs;
  const rank = value.shape.length;
  const axis = util.parseAxisParam(args.attrs.axis as number, value.shape)[0];
  const outShape = value.shape.filter((_, d) => d !== axis);
  const begin = new Array<number>(rank).fill(0);
  const size = value.shape.slice();
  size[axis] = 1;
  return Array.from({ length: value.shape[axis] }, (_, i) => {
    begin[axis] = i;
    const { dataId, dtype } = sliceFromHeap(value, begin, size, args.backend);
    return { dataId, dtype, shape: outShape };
  });
};

const splitV = (args: Args) => {
  const { x } = args.inputs;
  const axis = util.parseAxisParam(args.attrs.axis as number, x.shape)[0];
  const sizes = backend_util.prepareSplitSize(x as tf.Tensor, args.attrs.numOrSizeSplits as number | number[], axis);
  const begin = new Array<number>(x.shape.length).fill(0);
  return sizes.map((s) => {
    const size = x.shape.slice();
    size[axis] = s;
    const part = sliceFromHeap(x, begin, size, args.backend);
    begin[axis] += s;
    return part;
  });
};

let replaced = false;

/** Puts these in place of tfjs-wasm's Slice, Unpack and SplitV (strings still go to tfjs'). Idempotent. */
export function useHeapViewSlices(): void {
  if (replaced) return;
  replaced = true;
  for (const [kernelName, ours] of [
    ['Slice', slice],
    ['Unpack', unpack],
    ['SplitV', splitV],
  ] as const) {
    const stock = tf.getKernel(kernelName, 'wasm')?.kernelFunc;
    if (!stock) continue;
    const kernelFunc = ((args: Args) => {
      const input = Object.values(args.inputs)[0];
      return input.dtype === 'string' || !fusedKernelsEnabled() ? stock(args as never) : ours(args);
    }) as unknown as KernelFunc;
    tf.unregisterKernel(kernelName, 'wasm');
    tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc });
  }
}
