/**
 * AllenNLP / bilm-tf ELMo folders, read through `ModelFiles` (on disk or over HTTP): which weight
 * file a folder means, options.json, and the weights from safetensors bytes or from an open hdf5
 * file, each checked against the options. Browser-safe: the Node loaders (`allennlp-elmo.ts`) and
 * the browser kernel's both use these; only opening an hdf5 file differs (h5wasm reads host paths
 * in Node, bytes in its in-memory file system in a browser).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Dataset, File as H5File } from 'h5wasm';
import { elmoNames, elmoWeightShapes, parseElmoOptions, type ElmoOptions, type ElmoWeights } from '../models/elmo/index.js';
import { parseConfigJson } from './config-fields.js';
import type { ModelFiles } from './model-files.js';
import { readSafetensors } from './safetensors.js';

/**
 * The weight file of a folder: `weights.hdf5`, else `lm_weights.hdf5`, else the only `*.hdf5`
 * there; `model.safetensors` when there is no hdf5 at all. Also checks the folder has options.json.
 */
export function pickElmoWeightFile(files: ModelFiles): string {
  const dir = files.location;
  const kind = files.kind('');
  if (!kind) throw new Error(`ELMo folder ${dir} does not exist`);
  if (kind !== 'folder') throw new Error(`${dir} is not a folder (expected options.json + weights.hdf5)`);
  if (!files.kind('options.json')) throw new Error(`${dir}: no options.json (an AllenNLP ELMo folder has options.json + weights.hdf5)`);
  const names = files.list();
  const hdf5 = names.filter((f) => f.endsWith('.hdf5') || f.endsWith('.h5'));
  const pick =
    ['weights.hdf5', 'lm_weights.hdf5'].find((f) => hdf5.includes(f)) ??
    (hdf5.length === 1 ? hdf5[0] : undefined) ??
    (hdf5.filter((f) => /weights/.test(f)).length === 1 ? hdf5.find((f) => /weights/.test(f)) : undefined) ??
    (hdf5.length === 0 && names.includes('model.safetensors') ? 'model.safetensors' : undefined);
  if (!pick) {
    throw new Error(
      hdf5.length === 0
        ? `${dir}: no weight file (expected weights.hdf5, lm_weights.hdf5 or model.safetensors)`
        : `${dir}: several hdf5 files (${hdf5.join(', ')}) and none is weights.hdf5 or lm_weights.hdf5; pass { optionsPath, weightsPath }`,
    );
  }
  return pick;
}

/** options.json's text, parsed and checked; `path` names it in errors. */
export function parseElmoOptionsText(text: string, path: string): ElmoOptions {
  return parseElmoOptions(parseConfigJson(text, path), path);
}

/** Weights from a safetensors file's bytes (the names are the hdf5 dataset names). */
export function elmoWeightsFromSafetensors(bytes: Uint8Array, path: string, options: ElmoOptions, optionsSource: string): ElmoWeights {
  const { tensors } = readSafetensors(bytes, path);
  const vocabSize = tensors.get(elmoNames.softmaxWeight)?.shape[0];
  const specs = elmoWeightShapes(options, { vocabSize });
  for (const [name, { shape, from }] of specs) {
    const t = tensors.get(name);
    if (!t) throw new Error(`${path}: tensor "${name}" is missing (expected shape [${shape}] from ${optionsSource} ${from})`);
    if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
      throw new Error(`${path}: tensor "${name}" has shape [${t.shape}] but ${optionsSource} implies [${shape}] (${from})`);
    }
  }
  const weights: ElmoWeights = {};
  for (const name of specs.keys()) {
    const t = tensors.get(name)!;
    weights[name] = tf.tensor(t.data, t.shape, 'float32');
  }
  return weights;
}

/**
 * The weights the options imply, read from an open hdf5 file and checked: a missing dataset or one
 * whose shape disagrees with options.json is an error naming the dataset, the file and both shapes.
 * `softmax/W` and `softmax/b` are read too when present (our own pretraining checkpoints); anything
 * else in the file is ignored. `h5` is the h5wasm module the file was opened with (its classes).
 */
export function elmoWeightsFromHdf5(
  h5: { Dataset: typeof Dataset },
  file: H5File,
  path: string,
  options: ElmoOptions,
  optionsSource: string,
): ElmoWeights {
  const read = (name: string): { shape: number[]; data: Float32Array } | undefined => {
    let entry: ReturnType<H5File['get']> = null;
    try {
      entry = file.get(name);
    } catch {
      entry = null;
    }
    if (!(entry instanceof h5.Dataset)) return undefined;
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
      throw new Error(`${path}: dataset "${name}" has shape [${found.shape}] but ${optionsSource} implies [${shape}] (${from})`);
    }
    loaded[name] = found;
  }
  const weights: ElmoWeights = {};
  for (const [name, { shape, data }] of Object.entries(loaded)) weights[name] = tf.tensor(data, shape, 'float32');
  return weights;
}

const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * Whether a file of `size` bytes has the HDF5 superblock signature, which sits at byte 0, 512,
 * 1024, 2048, ... (after an optional user block). `readAt(offset)` gives the 8 bytes there.
 */
export function hasHdf5Signature(size: number, readAt: (offset: number) => Uint8Array): boolean {
  for (let offset = 0; offset + 8 <= size; offset = offset === 0 ? 512 : offset * 2) {
    const bytes = readAt(offset);
    if (HDF5_SIGNATURE.every((b, i) => bytes[i] === b)) return true;
  }
  return false;
}
