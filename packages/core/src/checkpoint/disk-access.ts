/**
 * The file access of Node (see `file-access.ts`): folders on disk, and hub ids resolved to their
 * snapshot folder in the huggingface_hub cache by `hub/model-source.ts` (downloaded by `open`
 * when the cache lacks them; `openSync` uses the cache only). hdf5 files are opened by path with
 * h5wasm's Node build.
 */
import { modelFolderPath, resolveModelSource } from '../hub/model-source.js';
import { withHdf5File } from './allennlp-elmo.js';
import { diskFiles } from './disk-files.js';
import type { FileAccess } from './file-access.js';

export const diskAccess: FileAccess = {
  async open(source, options = {}) {
    return diskFiles((await resolveModelSource(source, options.revision ? { revision: options.revision } : {})).dir);
  },
  openSync: (source) => diskFiles(modelFolderPath(source)),
  readHdf5: (files, name, read) => withHdf5File(files.path(name), read),
};
