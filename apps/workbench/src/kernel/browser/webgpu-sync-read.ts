/**
 * tfjs' WebGPU backend (4.22) reads a tensor synchronously (`dataSync()`, `arraySync()`,
 * `bufferSync()`) by copying its buffer through a WebGPU canvas into a 2D canvas. In Chromium that
 * read comes back as zeros, and the device is lost afterwards ("A valid external Instance reference
 * no longer exists" on the next `data()`): a cell got a vector of zeros, a similarity matrix of
 * 0.00, and tfjs printed its "synchronously reading data from GPU" warning into the output.
 * WebGPU has no synchronous read, so the kernel refuses it with an error that says what to write.
 */
import * as tf from '@tensorflow/tfjs-core';

export const WEBGPU_SYNC_READ_ERROR =
  'dataSync(), arraySync() and bufferSync() cannot read a tensor on the WebGPU backend (tfjs reads zeros and loses the GPU device); ' +
  'use the asynchronous forms: await tensor.data(), await tensor.array() or await tensor.buffer()';

interface SyncReadingBackend {
  readSync(dataId: object): unknown;
  /** The tensor's values when they live on the CPU already (uploaded and never computed on the GPU). */
  tensorMap?: { get(dataId: object): { values?: unknown; dtype?: string } | undefined };
}

/**
 * Replaces the active WebGPU backend's synchronous read with one that throws
 * `WEBGPU_SYNC_READ_ERROR` unless the values are on the CPU already. No-op on other backends.
 */
export function refuseWebGpuSyncReads(): boolean {
  if (tf.getBackend() !== 'webgpu') return false;
  const backend = tf.backend() as unknown as SyncReadingBackend;
  const readSync = backend.readSync.bind(backend);
  backend.readSync = (dataId) => {
    const data = backend.tensorMap?.get(dataId);
    if (data && (data.values != null || data.dtype === 'string')) return readSync(dataId);
    throw new Error(WEBGPU_SYNC_READ_ERROR);
  };
  return true;
}
