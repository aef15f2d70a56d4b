/**
 * Hugging Face BERT folders, read through `ModelFiles` (on disk or over HTTP): a plain folder
 * (`config.json`, `model.safetensors`, vocab), a sharded one (`model.safetensors.index.json`), or
 * the hub cache's download layout (`models--org--name/refs/main` naming a folder under
 * `snapshots/`). Browser-safe. How a folder is found and which family reads it is `load-model.ts`
 * and `models/families.ts`; this is the BERT family's reader, and the safetensors reading every
 * family shares.
 */
import { BertModel } from '../models/bert-model.js';
import { bertTokenizerFromFiles } from '../tokenize/from-files.js';
import { bertFromStored, parseBertConfig, type BertCheckpoint } from './bert-checkpoint.js';
import type { ModelFiles } from './model-files.js';
import { readSafetensors, type StoredTensor } from './safetensors.js';

/** The folder holding the files: `files` itself, or the snapshot a hub cache entry points at. */
export function resolveModelFolder(files: ModelFiles): ModelFiles {
  const kind = files.kind('');
  if (!kind) throw new Error(`model folder ${files.location} does not exist`);
  if (kind !== 'folder') throw new Error(`${files.location} is not a folder (expected a model folder with config.json)`);
  if (!files.kind('config.json') && files.kind('snapshots')) {
    const revision = files.kind('refs/main') ? files.text('refs/main').trim() : files.list('snapshots').sort().at(-1);
    if (!revision || !files.kind(`snapshots/${revision}`)) {
      throw new Error(`${files.location}: hub cache layout without a usable snapshot (refs/main → ${revision ?? 'nothing'})`);
    }
    return files.folder(`snapshots/${revision}`);
  }
  return files;
}

/** Every tensor of the folder's safetensors file(s). */
export function readModelTensorsFrom(files: ModelFiles): Map<string, StoredTensor> {
  const single = 'model.safetensors';
  if (files.kind(single)) return readSafetensors(files.bytes(single), files.path(single)).tensors;
  const index = 'model.safetensors.index.json';
  if (files.kind(index)) {
    const indexPath = files.path(index);
    const parsed = JSON.parse(files.text(index)) as { weight_map?: Record<string, string> };
    if (!parsed.weight_map) throw new Error(`${indexPath}: no "weight_map"`);
    const tensors = new Map<string, StoredTensor>();
    for (const shard of new Set(Object.values(parsed.weight_map))) {
      for (const [name, t] of readSafetensors(files.bytes(shard), files.path(shard)).tensors) tensors.set(name, t);
    }
    const absent = Object.keys(parsed.weight_map).filter((name) => !tensors.has(name));
    if (absent.length) throw new Error(`${indexPath}: tensors listed but not found in the shards: ${absent.join(', ')}`);
    return tensors;
  }
  const present = files.list().join(', ');
  throw new Error(
    `${files.location}: no model.safetensors or model.safetensors.index.json (found: ${present || 'nothing'}); ` +
      'PyTorch .bin checkpoints must be converted to safetensors first',
  );
}

/** Config and weights of a BERT folder, checked against each other; `files` is the folder they came from. */
export function bertCheckpointFromFiles(source: ModelFiles): BertCheckpoint & { files: ModelFiles } {
  const files = resolveModelFolder(source);
  if (!files.kind('config.json')) {
    // Say what the folder is when it is a model of another kind (`wb nsp --model models/elmo-mini`).
    const what = files.kind('options.json') ? 'this is an ELMo folder (options.json), not a BERT one' : 'no config.json';
    throw new Error(`${files.location}: ${what}; a BERT folder has config.json and model.safetensors`);
  }
  const { config, configJson } = parseBertConfig(files.text('config.json'), files.path('config.json'));
  const tensors = readModelTensorsFrom(files);
  // Errors about the weights name the file(s) they came from.
  const weightsSource = files.kind('model.safetensors') ? files.path('model.safetensors') : files.path('model.safetensors.index.json');
  return { ...bertFromStored({ config, configJson, tensors, source: weightsSource, configSource: files.path('config.json') }), files };
}

/** A BERT folder as a model with its tokenizer. */
export function bertFromFiles(source: ModelFiles): BertModel {
  const checkpoint = bertCheckpointFromFiles(source);
  const tokenizer = bertTokenizerFromFiles(checkpoint.files);
  if (tokenizer.vocabSize > checkpoint.config.vocabSize) {
    const files = checkpoint.files;
    const tokenizerFile = files.path(files.kind('tokenizer.json') ? 'tokenizer.json' : 'vocab.txt');
    throw new Error(
      `${tokenizerFile}: the tokenizer has ${tokenizer.vocabSize} tokens but the model's vocab_size is ${checkpoint.config.vocabSize} (${files.path('config.json')})`,
    );
  }
  const architectures = checkpoint.configJson.architectures;
  return new BertModel(checkpoint.config, checkpoint.weights, tokenizer, Array.isArray(architectures) ? String(architectures[0]) : undefined);
}
