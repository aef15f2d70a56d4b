/**
 * ELMo hdf5 weights in the browser: h5wasm's browser build (the HDF5 C library in WebAssembly,
 * about 4 MB) reads the bytes from its in-memory file system, then core's `elmoWeightsFromHdf5`
 * checks and converts them exactly as the Node loader does. h5wasm is imported on first use, so
 * the kernel downloads it only for notebooks that load an hdf5 ELMo.
 */
import { elmoWeightsFromHdf5, hasHdf5Signature, type ElmoOptions, type ElmoWeights } from '@wb/core';

let counter = 0;

export async function elmoWeightsFromHdf5Bytes(bytes: Uint8Array, path: string, options: ElmoOptions, optionsSource: string): Promise<ElmoWeights> {
  if (!hasHdf5Signature(bytes.length, (offset) => bytes.subarray(offset, offset + 8))) {
    throw new Error(`${path}: not an hdf5 file (no HDF5 signature; truncated or another format?)`);
  }
  const h5 = await import('h5wasm');
  await h5.ready;
  const fs = h5.FS!;
  const name = `/wb-elmo-${counter++}.hdf5`;
  fs.writeFile(name, bytes);
  try {
    let file: InstanceType<typeof h5.File>;
    try {
      file = new h5.File(name, 'r');
    } catch (e) {
      throw new Error(`${path}: not a readable hdf5 file (${(e as Error).message})`);
    }
    try {
      return elmoWeightsFromHdf5(h5, file, path, options, optionsSource);
    } finally {
      file.close();
    }
  } finally {
    fs.unlink(name);
  }
}
