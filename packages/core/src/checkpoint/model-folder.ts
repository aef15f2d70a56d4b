/**
 * Model folders on disk (Node): a plain Hugging Face folder (`config.json`, `model.safetensors`,
 * vocab), a sharded one (`model.safetensors.index.json`), or the hub cache's download layout
 * (`models--org--name/refs/main` naming a folder under `snapshots/`). What is read, and how, is
 * `load-model.ts` (browser-safe, for every family); this file saves BERT folders.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs-core';
import { writeFileAtomic } from '../atomic-file.js';
import type { BertConfig, BertWeights } from '../models/bert.js';
import { bertConfigToJson, bertToSafetensors } from './bert-checkpoint.js';

// The loaders that lived here are core's one loader now (`load-model.ts`); kept under these imports.
export { loadBertCheckpoint, readModelTensors, resolveModelDir } from '../load.js';

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
