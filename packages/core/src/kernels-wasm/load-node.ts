/** Loads the workbench's wasm kernels (packages/core/wasm/kernels.wasm) in Node and registers them. */
import { readFile } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs-core';
import { wasmAttentionKernels } from './attention.js';
import { wasmElementwiseKernels } from './elementwise.js';
import { instantiateKernels } from './module.js';

let registered: Promise<void> | undefined;

/** Idempotent; core's ops run these kernels on the wasm backend from then on. */
export function registerWasmKernels(): Promise<void> {
  registered ??= (async () => {
    const module = await instantiateKernels(await readFile(new URL('../../wasm/kernels.wasm', import.meta.url)));
    for (const config of [...wasmAttentionKernels(module), ...wasmElementwiseKernels(module)]) {
      if (!tf.getKernel(config.kernelName, 'wasm')) tf.registerKernel(config);
    }
  })();
  return registered;
}
