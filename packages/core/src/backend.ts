/**
 * Picks the tfjs backend. Node: wasm, cpu as fallback. Browser: webgpu → webgl → wasm → cpu, leaving
 * out a GPU backend whose GPU is emulated on the CPU (`emulated-gpu.ts`), where wasm is faster
 * (webgpu/webgl must have been imported by the caller, which keeps core free of GPU packages).
 * `WB_BACKEND` (env in Node, or the `backend` argument) always wins, and the choice is reported.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { webGlIsEmulated, webGpuIsEmulated } from './emulated-gpu.js';
import { useHeapViewSlices } from './kernels-wasm/slice.js';

export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';

const isNode = typeof process !== 'undefined' && !!process.versions?.node;

export async function defaultBackendOrder(): Promise<BackendName[]> {
  if (isNode) return ['wasm', 'cpu'];
  const gpus: BackendName[] = [];
  if (!(await webGpuIsEmulated())) gpus.push('webgpu');
  if (!webGlIsEmulated()) gpus.push('webgl');
  return [...gpus, 'wasm', 'cpu'];
}

let chosen: BackendName | undefined;

/** Initialises the first backend that works and returns its name. Idempotent. */
export async function initBackend(requested?: string): Promise<BackendName> {
  useHeapViewSlices();
  const override = requested ?? (isNode ? process.env.WB_BACKEND : undefined);
  if (chosen && (!override || override === chosen)) return chosen;
  const order = override ? [override as BackendName] : await defaultBackendOrder();
  const failures: string[] = [];
  for (const name of order) {
    if (!tf.findBackendFactory(name)) {
      failures.push(`${name}: not registered`);
      continue;
    }
    try {
      if (await tf.setBackend(name)) {
        await tf.ready();
        chosen = name;
        return name;
      }
      failures.push(`${name}: failed to initialise`);
    } catch (e) {
      failures.push(`${name}: ${(e as Error).message}`);
    }
  }
  throw new Error(`No tfjs backend could be initialised (tried ${failures.join('; ')})`);
}

/** The backend in use, for reports and run records. */
export function backendName(): string {
  return tf.getBackend();
}

export { tf };
