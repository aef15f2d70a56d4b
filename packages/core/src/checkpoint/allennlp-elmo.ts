/**
 * AllenNLP / bilm-tf ELMo checkpoints (Node): `options.json` + an hdf5 weight file in the original
 * layout (`char_embed`, `CNN/W_cnn_i`, `CNN_high_k/...`, `CNN_proj/...`,
 * `RNN_{0,1}/RNN/MultiRNNCell/Cell{l}/LSTMCell/{W_0,B,W_P_0}`), read and written with h5wasm. Weights
 * are kept exactly as stored (TF layout, forget bias not folded in), so a saved model opens in
 * AllenNLP and bilm-tf unchanged. `saveElmo` also writes `model.safetensors` with the same names.
 */
import {
  closeSync,
  existsSync,
  fstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import {
  checkElmoWeights,
  elmoNames,
  elmoWeightShapes,
  ElmoModel,
  parseElmoOptions,
  type ElmoModelOptions,
  type ElmoOptions,
  type ElmoWeights,
} from '../models/elmo.js';
import { readSafetensors, writeSafetensors } from './safetensors.js';

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
  const dir = resolve(source);
  if (!existsSync(dir)) throw new Error(`ELMo folder ${dir} does not exist`);
  if (!statSync(dir).isDirectory()) throw new Error(`${dir} is not a folder (expected options.json + weights.hdf5)`);
  const optionsPath = join(dir, 'options.json');
  if (!existsSync(optionsPath)) throw new Error(`${dir}: no options.json (an AllenNLP ELMo folder has options.json + weights.hdf5)`);
  const files = readdirSync(dir);
  const hdf5 = files.filter((f) => f.endsWith('.hdf5') || f.endsWith('.h5'));
  const pick =
    ['weights.hdf5', 'lm_weights.hdf5'].find((f) => hdf5.includes(f)) ??
    (hdf5.length === 1 ? hdf5[0] : undefined) ??
    (hdf5.filter((f) => /weights/.test(f)).length === 1 ? hdf5.find((f) => /weights/.test(f)) : undefined) ??
    (hdf5.length === 0 && files.includes('model.safetensors') ? 'model.safetensors' : undefined);
  if (!pick) {
    throw new Error(
      hdf5.length === 0
        ? `${dir}: no weight file (expected weights.hdf5, lm_weights.hdf5 or model.safetensors)`
        : `${dir}: several hdf5 files (${hdf5.join(', ')}) and none is weights.hdf5 or lm_weights.hdf5; pass { optionsPath, weightsPath }`,
    );
  }
  return { optionsPath, weightsPath: join(dir, pick) };
}

export function readElmoOptions(path: string): ElmoOptions {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`${path}: not valid JSON (${(e as Error).message})`);
  }
  return parseElmoOptions(json, path);
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

const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/** The HDF5 superblock signature sits at byte 0, 512, 1024, 2048, ... (after an optional user block). */
function hasHdf5Signature(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const buffer = new Uint8Array(8);
    for (let offset = 0; offset + 8 <= size; offset = offset === 0 ? 512 : offset * 2) {
      readSync(fd, buffer, 0, 8, offset);
      if (buffer.every((b, i) => b === HDF5_SIGNATURE[i])) return true;
    }
    return false;
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
  const h5wasm = await h5();
  if (!existsSync(path)) throw new Error(`ELMo weight file ${path} does not exist`);
  if (!hasHdf5Signature(path)) throw new Error(`${path}: not an hdf5 file (no HDF5 signature; truncated or another format?)`);
  let file: InstanceType<H5['File']>;
  try {
    file = new h5wasm.File(path, 'r');
  } catch (e) {
    throw new Error(`${path}: not a readable hdf5 file (${(e as Error).message})`);
  }
  const weights: ElmoWeights = {};
  try {
    const read = (name: string): { shape: number[]; data: Float32Array } | undefined => {
      let entry: ReturnType<H5Group['get']> = null;
      try {
        entry = file.get(name);
      } catch {
        entry = null;
      }
      if (!(entry instanceof h5wasm.Dataset)) return undefined;
      const value = entry.value;
      const shape = entry.shape ?? [];
      if (!(value instanceof Float32Array || value instanceof Float64Array)) {
        throw new Error(`${path}: dataset "${name}" has dtype ${JSON.stringify(entry.dtype)}; expected float32`);
      }
      return { shape, data: value instanceof Float32Array ? value : Float32Array.from(value) };
    };
    const softmax = read(elmoNames.softmaxWeight);
    const specs = elmoWeightShapes(options, { vocabSize: softmax?.shape[0] });
    const loaded: Record<string, { shape: number[]; data: Float32Array }> = {};
    for (const [name, { shape, from }] of specs) {
      const found = name === elmoNames.softmaxWeight ? softmax : read(name);
      if (!found) {
        throw new Error(`${path}: dataset "${name}" is missing (expected shape [${shape}] from ${optionsSource} ${from})`);
      }
      if (found.shape.length !== shape.length || found.shape.some((d, i) => d !== shape[i])) {
        throw new Error(
          `${path}: dataset "${name}" has shape [${found.shape}] but ${optionsSource} implies [${shape}] (${from})`,
        );
      }
      loaded[name] = found;
    }
    for (const [name, { shape, data }] of Object.entries(loaded)) weights[name] = tf.tensor(data, shape, 'float32');
    return weights;
  } finally {
    file.close();
  }
}

function readElmoSafetensors(path: string, options: ElmoOptions, optionsSource: string): ElmoWeights {
  const { tensors } = readSafetensors(new Uint8Array(readFileSync(path)), path);
  const vocabSize = tensors.get(elmoNames.softmaxWeight)?.shape[0];
  const weights: ElmoWeights = {};
  for (const [name, { shape, from }] of elmoWeightShapes(options, { vocabSize })) {
    const t = tensors.get(name);
    if (!t) throw new Error(`${path}: tensor "${name}" is missing (expected shape [${shape}] from ${optionsSource} ${from})`);
    if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
      throw new Error(`${path}: tensor "${name}" has shape [${t.shape}] but ${optionsSource} implies [${shape}] (${from})`);
    }
  }
  for (const name of elmoWeightShapes(options, { vocabSize }).keys()) {
    const t = tensors.get(name)!;
    weights[name] = tf.tensor(t.data, t.shape, 'float32');
  }
  return weights;
}

/** Reads options + weights of an AllenNLP ELMo folder (or explicit file paths) without building a model. */
export async function readElmoCheckpoint(source: string | ElmoFiles): Promise<{ options: ElmoOptions; weights: ElmoWeights } & ElmoFiles> {
  const files = resolveElmoFiles(source);
  const options = readElmoOptions(files.optionsPath);
  const weights = files.weightsPath.endsWith('.safetensors')
    ? readElmoSafetensors(files.weightsPath, options, files.optionsPath)
    : await readElmoHdf5(files.weightsPath, options, files.optionsPath);
  return { options, weights, ...files };
}

/** Loads an AllenNLP ELMo: a folder with options.json + *.hdf5, or { optionsPath, weightsPath }. */
export async function loadElmo(source: string | ElmoFiles, modelOptions: ElmoModelOptions = {}): Promise<ElmoModel> {
  const { options, weights } = await readElmoCheckpoint(source);
  return new ElmoModel(options, weights, modelOptions);
}

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
  const optionsJson = JSON.stringify(options, null, 2) + '\n';
  const tmp = (name: string) => join(out, `.${name}.tmp-${process.pid}`);
  const hdf5Tmp = tmp('weights.hdf5');
  try {
    await writeElmoHdf5(hdf5Tmp, tensors);
  } catch (e) {
    if (existsSync(hdf5Tmp)) rmSync(hdf5Tmp);
    throw e;
  }
  const written = ['weights.hdf5', 'options.json'];
  if (formats.safetensors ?? true) {
    writeFileSync(tmp('model.safetensors'), writeSafetensors(tensors, { metadata: { format: 'allennlp-elmo', options: JSON.stringify(options) } }));
    written.push('model.safetensors');
  }
  writeFileSync(tmp('options.json'), optionsJson);
  for (const name of written) renameSync(tmp(name), join(out, name));
}
