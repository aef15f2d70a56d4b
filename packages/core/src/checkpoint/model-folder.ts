/**
 * Model folders on disk (Node): a plain Hugging Face folder (`config.json`, `model.safetensors`,
 * vocab), a sharded one (`model.safetensors.index.json`), or the hub cache's download layout
 * (`models--org--name/refs/main` naming a folder under `snapshots/`). What is read, and how, is
 * `bert-folder.ts` (browser-safe); these are its Node entry points, plus saving.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type * as tf from '@tensorflow/tfjs-core';
import type { BertConfig, BertWeights } from '../models/bert.js';
import { bertConfigToJson, bertToSafetensors, type BertCheckpoint } from './bert-checkpoint.js';
import { bertCheckpointFromFiles, readModelTensorsFrom, resolveModelFolder } from './bert-folder.js';
import { diskFiles } from './disk-files.js';
import type { StoredTensor } from './safetensors.js';

/** The folder holding the files: `dir` itself, or the snapshot a hub cache entry points at. */
export function resolveModelDir(dir: string): string {
  return resolveModelFolder(diskFiles(resolve(dir))).location;
}

/** Every tensor of the folder's safetensors file(s). */
export function readModelTensors(dir: string): Map<string, StoredTensor> {
  return readModelTensorsFrom(diskFiles(dir));
}

export function loadBertCheckpoint(dir: string): BertCheckpoint & { dir: string } {
  const { files, ...checkpoint } = bertCheckpointFromFiles(diskFiles(resolve(dir)));
  return { ...checkpoint, dir: files.location };
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
