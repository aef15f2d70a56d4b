/**
 * Model folders on disk (Node): a plain Hugging Face folder (`config.json`, `model.safetensors`,
 * vocab), a sharded one (`model.safetensors.index.json`), or the hub cache's download layout
 * (`models--org--name/refs/main` naming a folder under `snapshots/`).
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type * as tf from '@tensorflow/tfjs-core';
import type { BertConfig, BertWeights } from '../models/bert.js';
import { bertConfigToJson, bertFromStored, bertToSafetensors, parseBertConfig, type BertCheckpoint } from './bert-checkpoint.js';
import { readSafetensors, type StoredTensor } from './safetensors.js';

/** The folder holding the files: `dir` itself, or the snapshot a hub cache entry points at. */
export function resolveModelDir(dir: string): string {
  const abs = resolve(dir);
  if (!existsSync(abs)) throw new Error(`model folder ${abs} does not exist`);
  if (!statSync(abs).isDirectory()) throw new Error(`${abs} is not a folder (expected a model folder with config.json)`);
  const snapshots = join(abs, 'snapshots');
  if (!existsSync(join(abs, 'config.json')) && existsSync(snapshots)) {
    const ref = join(abs, 'refs', 'main');
    const revision = existsSync(ref) ? readFileSync(ref, 'utf8').trim() : readdirSync(snapshots).sort().at(-1);
    if (!revision || !existsSync(join(snapshots, revision))) {
      throw new Error(`${abs}: hub cache layout without a usable snapshot (refs/main → ${revision ?? 'nothing'})`);
    }
    return join(snapshots, revision);
  }
  return abs;
}

/** Every tensor of the folder's safetensors file(s). */
export function readModelTensors(dir: string): Map<string, StoredTensor> {
  const single = join(dir, 'model.safetensors');
  if (existsSync(single)) return readSafetensors(readFileSync(single), single).tensors;
  const indexPath = join(dir, 'model.safetensors.index.json');
  if (existsSync(indexPath)) {
    const index = JSON.parse(readFileSync(indexPath, 'utf8')) as { weight_map?: Record<string, string> };
    if (!index.weight_map) throw new Error(`${indexPath}: no "weight_map"`);
    const tensors = new Map<string, StoredTensor>();
    for (const shard of new Set(Object.values(index.weight_map))) {
      const path = join(dir, shard);
      for (const [name, t] of readSafetensors(readFileSync(path), path).tensors) tensors.set(name, t);
    }
    const absent = Object.keys(index.weight_map).filter((name) => !tensors.has(name));
    if (absent.length) throw new Error(`${indexPath}: tensors listed but not found in the shards: ${absent.join(', ')}`);
    return tensors;
  }
  const present = readdirSync(dir).join(', ');
  throw new Error(
    `${dir}: no model.safetensors or model.safetensors.index.json (found: ${present || 'nothing'}); ` +
      'PyTorch .bin checkpoints must be converted to safetensors first',
  );
}

export function loadBertCheckpoint(dir: string): BertCheckpoint & { dir: string } {
  const folder = resolveModelDir(dir);
  const configPath = join(folder, 'config.json');
  if (!existsSync(configPath)) throw new Error(`${folder}: no config.json`);
  const { config, configJson } = parseBertConfig(readFileSync(configPath, 'utf8'), configPath);
  const tensors = readModelTensors(folder);
  return { ...bertFromStored({ config, configJson, tensors, source: folder }), dir: folder };
}

/** Writes bytes next to their final name first, so a crash never leaves a half-written file. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

export function saveBertCheckpoint(
  dir: string,
  checkpoint: {
    config: BertConfig;
    weights: BertWeights;
    vocab?: string[];
    doLowerCase?: boolean;
    extra?: Record<string, tf.Tensor>;
    configJson?: Record<string, unknown>;
    dtype?: 'F32' | 'F16' | 'BF16';
  },
): void {
  mkdirSync(dir, { recursive: true });
  const configJson = { ...bertConfigToJson(checkpoint.config), ...(checkpoint.configJson ?? {}) };
  writeFileAtomic(join(dir, 'config.json'), JSON.stringify(configJson, null, 2) + '\n');
  writeFileAtomic(join(dir, 'model.safetensors'), bertToSafetensors(checkpoint.weights, checkpoint));
  if (checkpoint.vocab) {
    writeFileAtomic(join(dir, 'vocab.txt'), checkpoint.vocab.join('\n') + '\n');
    writeFileAtomic(
      join(dir, 'tokenizer_config.json'),
      JSON.stringify({ do_lower_case: checkpoint.doLowerCase ?? true, tokenizer_class: 'BertTokenizer' }, null, 2) + '\n',
    );
  }
}
