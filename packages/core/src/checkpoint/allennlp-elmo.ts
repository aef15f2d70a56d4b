/**
 * AllenNLP / bilm-tf ELMo checkpoints (Node): `options.json` + an hdf5 weight file in the original
 * layout (`char_embed`, `CNN/W_cnn_i`, `CNN_high_k/...`, `CNN_proj/...`,
 * `RNN_{0,1}/RNN/MultiRNNCell/Cell{l}/LSTMCell/{W_0,B,W_P_0}`), read and written with h5wasm. Weights
 * are kept exactly as stored (TF layout, forget bias not folded in), so a saved model opens in
 * AllenNLP and bilm-tf unchanged. `saveElmo` also writes `model.safetensors` with the same names.
 */
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  checkElmoWeights,
  elmoNames,
  elmoWeightShapes,
  type ElmoModel,
  type ElmoOptions,
  type ElmoWeights,
} from '../models/elmo/index.js';
import { writeFileAtomic, writeFileAtomicVia } from '../atomic-file.js';
import { modelFolderPath } from '../hub/model-source.js';
import { diskFiles } from './disk-files.js';
import { elmoWeightsFromHdf5, hasHdf5Signature, pickElmoWeightFile } from './elmo-folder.js';
import { writeSafetensors } from './safetensors.js';

type H5 = typeof import('h5wasm/node').default;
type H5Group = InstanceType<H5['Group']>;

let h5Module: Promise<H5> | undefined;

/** h5wasm's Node build (loaded on first use; it reads and writes host paths directly). */
async function h5(): Promise<H5> {
  h5Module ??= import('h5wasm/node').then(async (m) => {
    await m.default.ready;
    return m.default;
  });
  return h5Module;
}

export interface ElmoFiles {
  optionsPath: string;
  weightsPath: string;
}

/**
 * options.json and the weight file of a folder: `weights.hdf5`, else `lm_weights.hdf5`, else the
 * only `*.hdf5` there; `model.safetensors` when there is no hdf5 at all.
 */
export function resolveElmoFiles(source: string | Partial<ElmoFiles>): ElmoFiles {
  if (typeof source !== 'string') {
    if (!source.optionsPath || !source.weightsPath) throw new Error('loadElmo: give both optionsPath and weightsPath');
    for (const path of [source.optionsPath, source.weightsPath]) {
      if (!existsSync(path)) throw new Error(`ELMo file ${resolve(path)} does not exist`);
    }
    return { optionsPath: resolve(source.optionsPath), weightsPath: resolve(source.weightsPath) };
  }
  const dir = modelFolderPath(source);
  const pick = pickElmoWeightFile(diskFiles(dir));
  return { optionsPath: join(dir, 'options.json'), weightsPath: join(dir, pick) };
}

/** Names of every dataset in an hdf5 file ('CNN/W_cnn_0', ...), for error messages and tests. */
export async function listHdf5Datasets(path: string): Promise<Map<string, number[]>> {
  const h5wasm = await h5();
  const file = new h5wasm.File(path, 'r');
  try {
    const out = new Map<string, number[]>();
    const walk = (group: H5Group, prefix: string) => {
      for (const key of group.keys()) {
        const entry = group.get(key);
        const name = prefix ? `${prefix}/${key}` : key;
        if (entry instanceof h5wasm.Group) walk(entry, name);
        else if (entry instanceof h5wasm.Dataset) out.set(name, entry.shape ?? []);
      }
    };
    walk(file, '');
    return out;
  } finally {
    file.close();
  }
}

/** The HDF5 signature check, reading only the few bytes it needs. */
function hasHdf5SignatureOnDisk(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const buffer = new Uint8Array(8);
    return hasHdf5Signature(fstatSync(fd).size, (offset) => (readSync(fd, buffer, 0, 8, offset), buffer));
  } finally {
    closeSync(fd);
  }
}

/**
 * The weights the options imply, read from an hdf5 file and checked: a missing dataset or one whose
 * shape disagrees with options.json is an error naming the dataset, the file and both shapes.
 * `softmax/W` and `softmax/b` are read too when present (our own pretraining checkpoints); anything
 * else in the file is ignored.
 */
export async function readElmoHdf5(path: string, options: ElmoOptions, optionsSource = 'options.json'): Promise<ElmoWeights> {
  return withHdf5File(path, (h5wasm, file) => elmoWeightsFromHdf5(h5wasm, file, path, options, optionsSource));
}

/** Opens an hdf5 file on disk with h5wasm, checked, and gives it to `read`; errors name the file. */
export async function withHdf5File<T>(path: string, read: (h5wasm: H5, file: InstanceType<H5['File']>) => T): Promise<T> {
  const h5wasm = await h5();
  if (!existsSync(path)) throw new Error(`ELMo weight file ${path} does not exist`);
  if (!hasHdf5SignatureOnDisk(path)) throw new Error(`${path}: not an hdf5 file (no HDF5 signature; truncated or another format?)`);
  let file: InstanceType<H5['File']>;
  try {
    file = new h5wasm.File(path, 'r');
  } catch (e) {
    throw new Error(`${path}: not a readable hdf5 file (${(e as Error).message})`);
  }
  try {
    return read(h5wasm, file);
  } catch (e) {
    // h5wasm's own errors (a damaged file) do not say which file.
    const message = (e as Error).message ?? String(e);
    throw message.startsWith(path) ? e : new Error(`${path}: not a readable hdf5 file (${message})`, { cause: e });
  } finally {
    try {
      file.close();
    } catch {
      // A damaged file may not close cleanly; nothing of it is kept.
    }
  }
}

// Loading (a folder, a hub id, or { optionsPath, weightsPath }) is core's one loader (`load-model.ts`).
export { loadElmo } from '../load.js';

/** Writes `tensors` as an hdf5 file in AllenNLP's layout (nested groups from the '/' in the names). */
export async function writeElmoHdf5(path: string, tensors: Record<string, { shape: number[]; data: Float32Array }>): Promise<void> {
  const h5wasm = await h5();
  const file = new h5wasm.File(path, 'w');
  try {
    const groups = new Map<string, H5Group>([['', file]]);
    const groupOf = (parts: string[]): H5Group => {
      const key = parts.join('/');
      let group = groups.get(key);
      if (!group) {
        const parent = groupOf(parts.slice(0, -1));
        group = parent.create_group(parts[parts.length - 1]);
        groups.set(key, group);
      }
      return group;
    };
    for (const name of Object.keys(tensors).sort()) {
      const parts = name.split('/');
      const { shape, data } = tensors[name];
      groupOf(parts.slice(0, -1)).create_dataset({ name: parts[parts.length - 1], data, shape, dtype: '<f' });
    }
    file.flush();
  } finally {
    file.close();
  }
}

/** Options as written to options.json: AllenNLP's inference value of n_characters (262) unless set. */
function optionsForSaving(options: ElmoOptions): ElmoOptions {
  return { ...options, char_cnn: { ...options.char_cnn, n_characters: options.char_cnn.n_characters ?? 262 } };
}

/**
 * Saves `options.json`, `weights.hdf5` (AllenNLP's layout, so the model opens in AllenNLP's Elmo) and
 * `model.safetensors` (same names, options in the metadata) into `dir`. Files are written beside and
 * renamed into place, so a crash never leaves a half-written checkpoint under the final names.
 */
export async function saveElmo(
  model: ElmoModel | { options: ElmoOptions; weights: ElmoWeights },
  dir: string,
  formats: { safetensors?: boolean } = {},
): Promise<void> {
  const options = optionsForSaving(model.options);
  checkElmoWeights(model.weights, options, 'saveElmo');
  const out = resolve(dir);
  mkdirSync(out, { recursive: true });
  const tensors: Record<string, { shape: number[]; data: Float32Array }> = {};
  const names = [...elmoWeightShapes(options, { vocabSize: model.weights[elmoNames.softmaxWeight]?.shape[0] }).keys()];
  for (const name of names) {
    const t = model.weights[name];
    tensors[name] = { shape: [...t.shape], data: (await t.data()) as Float32Array };
  }
  // Each file whole or not at all; the weights first, so a folder never has options without them.
  await writeFileAtomicVia(join(out, 'weights.hdf5'), (tmp) => writeElmoHdf5(tmp, tensors));
  if (formats.safetensors ?? true) {
    writeFileAtomic(join(out, 'model.safetensors'), writeSafetensors(tensors, { metadata: { format: 'allennlp-elmo', options: JSON.stringify(options) } }));
  }
  writeFileAtomic(join(out, 'options.json'), JSON.stringify(options, null, 2) + '\n');
}
