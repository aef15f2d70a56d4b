/**
 * How model folders are reached, wherever the code runs. The loaders (`loadModel` and its
 * aliases) are written once, in browser-safe core, against this interface; each environment
 * installs its own access when it starts:
 * - Node (`@wb/core/node`): folders on disk, hub ids resolved to their snapshot in the hub cache
 *   (`disk-access.ts`);
 * - the workbench's browser kernel: the server's read-only file routes over HTTP
 *   (`apps/workbench/src/kernel/browser/browser-access.ts`).
 * A `ModelFiles` given directly (an in-memory folder in a test) needs no access at all.
 */
import type { Dataset, File as H5File } from 'h5wasm';
import type { ModelFiles } from './model-files.js';

/** The h5wasm classes an hdf5 reader checks entries against. */
export interface Hdf5Classes {
  Dataset: typeof Dataset;
}

export interface FileAccess {
  /** The folder `source` names (a path, a URL path, a hub id), fetching it first when it must. */
  open(source: string, options?: { revision?: string }): Promise<ModelFiles>;
  /** The same without fetching anything (a hub model must be in the cache already). */
  openSync(source: string): ModelFiles;
  /** Opens an hdf5 file of a folder with h5wasm and gives it to `read` (ELMo's weights). */
  readHdf5<T>(files: ModelFiles, name: string, read: (h5: Hdf5Classes, file: H5File) => T): Promise<T>;
}

let installed: FileAccess | undefined;

/** Makes `access` the way string sources are read from now on. */
export function useFileAccess(access: FileAccess): void {
  installed = access;
}

/** The installed access, if any. */
export function installedFileAccess(): FileAccess | undefined {
  return installed;
}

export function fileAccess(): FileAccess {
  if (!installed) {
    throw new Error("no file access is installed: in Node import the loaders from '@wb/core/node'; in a browser, run in the workbench's browser kernel, or pass a ModelFiles");
  }
  return installed;
}
