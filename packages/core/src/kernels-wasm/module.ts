/**
 * The workbench's own WebAssembly kernels (packages/core/wasm/*.c, one module) and the copy in and
 * out of them. tfjs-wasm keeps tensors in its own module's memory; ours has its own, so inputs are
 * copied in and outputs copied back: one pass each, small beside the work they replace.
 */
import type { TensorInfo } from '@tensorflow/tfjs-core';

export interface KernelModule {
  memory: WebAssembly.Memory;
  exports: Record<string, (...args: number[]) => void>;
}

export async function instantiateKernels(bytes: BufferSource): Promise<KernelModule> {
  const memory = new WebAssembly.Memory({ initial: 16 });
  const { instance } = await WebAssembly.instantiate(bytes, { env: { memory } });
  return { memory, exports: instance.exports as unknown as KernelModule['exports'] };
}

/** The parts of tfjs-wasm's BackendWasm a kernel needs (the package does not export its type). */
export interface WasmBackend {
  typedArrayFromHeap(t: TensorInfo): Float32Array | Int32Array | Uint8Array;
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
}

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
const aligned = (floats: number) => Math.ceil((floats * 4) / 16) * 16;

/**
 * Copies `inputs` into the module (an absent input is the null pointer), reserves `outputs` and
 * `scratchFloats`, runs `call` with the byte offsets, and returns the outputs as tfjs tensors.
 */
export function runWasmKernel(
  module: KernelModule,
  backend: WasmBackend,
  inputs: Array<TensorInfo | undefined>,
  outputs: number[][],
  call: (inputAt: number[], outputAt: number[], scratchAt: number) => void,
  scratchFloats = 0,
): TensorInfo[] {
  let end = 16; // offset 0 stays the null pointer
  const place = (floats: number) => {
    const at = end;
    end += aligned(floats);
    return at;
  };
  const inputAt = inputs.map((t) => (t ? place(size(t.shape)) : 0));
  const outputAt = outputs.map((shape) => place(size(shape)));
  const scratchAt = place(scratchFloats);
  const pages = Math.ceil(end / 65536) - module.memory.buffer.byteLength / 65536;
  if (pages > 0) module.memory.grow(pages);
  inputs.forEach((t, i) => {
    if (t) new Float32Array(module.memory.buffer, inputAt[i], size(t.shape)).set(backend.typedArrayFromHeap(t));
  });
  call(inputAt, outputAt, scratchAt);
  return outputs.map((shape, i) => {
    const out = backend.makeOutput(shape, 'float32');
    (backend.typedArrayFromHeap(out) as Float32Array).set(new Float32Array(module.memory.buffer, outputAt[i], size(shape)));
    return out;
  });
}
