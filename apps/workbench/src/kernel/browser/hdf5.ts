/**
 * hdf5 files in the browser (ELMo's weights): h5wasm's browser build (the HDF5 C library in
 * WebAssembly, about 4 MB) reads the bytes from its in-memory file system; what is read, and how
 * it is checked, is core's (`elmoWeightsFromHdf5`), exactly as in Node. h5wasm is imported on first
 * use, so the kernel downloads it only for notebooks that load an hdf5 ELMo.
 */
import { hasHdf5Signature, type Hdf5Classes } from '@wb/core';
import type { File as H5File } from 'h5wasm';

let counter = 0;

/** Opens `bytes` (the file at `path`, for messages) as hdf5 and gives it to `read`. */
export async function withHdf5Bytes<T>(bytes: Uint8Array, path: string, read: (h5: Hdf5Classes, file: H5File) => T): Promise<T> {
  if (!hasHdf5Signature(bytes.length, (offset) => bytes.subarray(offset, offset + 8))) {
    throw new Error(`${path}: not an hdf5 file (no HDF5 signature; truncated or another format?)`);
  }
  const h5 = await import('h5wasm');
  await h5.ready;
  const fs = h5.FS!;
  const name = `/wb-hdf5-${counter++}.hdf5`;
  fs.writeFile(name, bytes);
  try {
    let file: InstanceType<typeof h5.File>;
    try {
      file = new h5.File(name, 'r');
    } catch (e) {
      throw new Error(`${path}: not a readable hdf5 file (${(e as Error).message})`);
    }
    try {
      return read(h5, file);
    } finally {
      file.close();
    }
  } finally {
    fs.unlink(name);
  }
}
