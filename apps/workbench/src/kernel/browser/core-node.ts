/**
 * `@wb/core/node` as cells in the browser kernel see it: the same names the example notebooks use
 * (`loadBert`, `loadElmo`, `loadEmbedder`, `sharedPath`, `shippedModelPath`, …), reading files over
 * HTTP from the workbench server instead of from disk. Paths are URL paths of the server's
 * read-only file routes: `sharedPath('fixtures', 'tiny-bert')` is
 * `/api/files/shared/fixtures/tiny-bert`, `shippedModelPath('bert-mini')` is
 * `/api/files/models/bert-mini`, and a relative path starts from the notebook's folder
 * (`/api/files/notebooks/…`), as it does in the Node kernel. So `fetch(sharedPath(...))` works too.
 *
 * The loading itself is core's (`bertFromFiles`, `pickElmoWeightFile`, …), the code Node's
 * loaders run over a folder on disk; only the file access (`http-files.ts`) is the browser's.
 */
import {
  bertCheckpointFromFiles,
  bertFromFiles,
  bertTokenizerFromFiles,
  ElmoModel,
  elmoWeightsFromSafetensors,
  modelFamilyOf,
  parseElmoOptionsText,
  pickElmoWeightFile,
  readModelTensorsFrom,
  resolveModelFolder,
  type BertModel,
  type BertTokenizer,
  type ContextualEmbedder,
  type ElmoModelOptions,
  type ElmoOptions,
  type ElmoWeights,
  type ModelFamily,
  type ModelFiles,
  type StoredTensor,
} from '@wb/core';
import { elmoWeightsFromHdf5Bytes } from './hdf5.js';
import { httpFiles, type FileRead } from './http-files.js';

export const FILES_ROOT = '/api/files';

const segments = (parts: string[]) => parts.flatMap((p) => String(p).split('/')).filter((s) => s && s !== '.');

/** Where this kernel reads from, and what it tells the run record. */
export interface BrowserFileAccess {
  /** The notebook's path in the served folder (relative paths start from its folder). */
  notebookPath: string;
  onRead(read: FileRead): void;
}

export function makeBrowserCoreNode(access: BrowserFileAccess) {
  const notebookDir = () => access.notebookPath.split('/').slice(0, -1);
  const url = (root: string, parts: string[]) => [FILES_ROOT, root, ...segments(parts)].map((s, i) => (i < 2 ? s : encodeURIComponent(s))).join('/');

  /** A path as cells give it → the URL path of the folder. */
  const locate = (path: string): string => {
    if (typeof path !== 'string' || path === '') throw new TypeError(`expected a folder path, got ${JSON.stringify(path)}`);
    if (path.startsWith(`${FILES_ROOT}/`)) return path.replace(/\/+$/, '');
    if (/^https?:\/\//.test(path)) {
      const parsed = new URL(path);
      if (parsed.origin === self.location.origin && parsed.pathname.startsWith(`${FILES_ROOT}/`)) return parsed.pathname.replace(/\/+$/, '');
    } else if (!path.startsWith('/')) {
      // Relative to the notebook's folder; '..' past the served folder is refused by the server.
      const root = `${FILES_ROOT}/notebooks`;
      const resolved = new URL(path, new URL(`${url('notebooks', notebookDir())}/`, self.location.origin)).pathname.replace(/\/+$/, '');
      if (resolved !== root && !resolved.startsWith(`${root}/`)) {
        throw new Error(`"${path}" leads outside the folder the workbench serves; the browser kernel reads relative paths only inside it (use sharedPath(...) for the shared data)`);
      }
      return resolved;
    }
    throw new Error(
      `"${path}" is not a path the browser kernel can read: it reads, through the workbench server, the shared data ` +
        `(sharedPath(...)), the shipped models (shippedModelPath(...)) and paths relative to the notebook's folder. ` +
        `Switch the notebook to the Node kernel to read other files.`,
    );
  };
  const files = (path: string): ModelFiles => httpFiles(locate(path), (read) => access.onRead(read));

  async function readElmoCheckpoint(dir: string): Promise<{ options: ElmoOptions; weights: ElmoWeights; optionsPath: string; weightsPath: string }> {
    const folder = files(dir);
    const weightFile = pickElmoWeightFile(folder);
    const optionsPath = folder.path('options.json');
    const weightsPath = folder.path(weightFile);
    const options = parseElmoOptionsText(folder.text('options.json'), optionsPath);
    const weights = weightFile.endsWith('.safetensors')
      ? elmoWeightsFromSafetensors(folder.bytes(weightFile), weightsPath, options, optionsPath)
      : await elmoWeightsFromHdf5Bytes(folder.bytes(weightFile), weightsPath, options, optionsPath);
    return { options, weights, optionsPath, weightsPath };
  }

  async function loadElmo(dir: string, modelOptions: ElmoModelOptions = {}): Promise<ElmoModel> {
    if (typeof dir !== 'string') throw new Error('loadElmo in the browser kernel takes a folder (options.json + weights), not separate file paths');
    const { options, weights } = await readElmoCheckpoint(dir);
    return new ElmoModel(options, weights, modelOptions);
  }

  async function loadBert(dir: string): Promise<BertModel> {
    return bertFromFiles(files(dir));
  }

  const detectModelFamily = (dir: string): ModelFamily => modelFamilyOf(files(dir));

  return {
    sharedDir: () => `${FILES_ROOT}/shared`,
    sharedPath: (...parts: string[]) => url('shared', parts),
    shippedModelPath(name: string): string {
      const path = url('models', [name]);
      if (!files(path).kind('')) throw new Error(`${path}: no such shipped model (the repository's models/ folder has the ones that ship)`);
      return path;
    },
    loadBert,
    loadElmo,
    readElmoCheckpoint,
    detectModelFamily,
    loadEmbedder: async (dir: string): Promise<ContextualEmbedder> => (detectModelFamily(dir) === 'elmo' ? loadElmo(dir) : loadBert(dir)),
    loadBertCheckpoint: (dir: string) => {
      const { files: folder, ...checkpoint } = bertCheckpointFromFiles(files(dir));
      return { ...checkpoint, dir: folder.location };
    },
    loadBertTokenizer: (dir: string): BertTokenizer => bertTokenizerFromFiles(files(dir)),
    readModelTensors: (dir: string): Map<string, StoredTensor> => readModelTensorsFrom(files(dir)),
    resolveModelDir: (dir: string): string => resolveModelFolder(files(dir)).location,
  };
}
