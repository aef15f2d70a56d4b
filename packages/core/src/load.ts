/** Loading any shipped or downloaded model folder by what its files say it is (Node). */
import { resolve } from 'node:path';
import { loadElmo } from './checkpoint/allennlp-elmo.js';
import { bertFromFiles, modelFamilyOf, type ModelFamily } from './checkpoint/bert-folder.js';
import { diskFiles } from './checkpoint/disk-files.js';
import type { ContextualEmbedder } from './embed.js';
import type { BertModel } from './models/bert-model.js';

export type { ModelFamily };

export async function loadBert(dir: string): Promise<BertModel> {
  return bertFromFiles(diskFiles(resolve(dir)));
}

/** BERT folders have config.json; AllenNLP ELMo folders have options.json + an hdf5 file. */
export function detectModelFamily(dir: string): ModelFamily {
  return modelFamilyOf(diskFiles(resolve(dir)));
}

/**
 * Any model folder as a ContextualEmbedder (per-word vectors of every layer), for code that only
 * needs "the vector of this word in this sentence": BERT or AllenNLP ELMo, chosen by its files.
 */
export async function loadEmbedder(dir: string): Promise<ContextualEmbedder> {
  return detectModelFamily(dir) === 'elmo' ? loadElmo(dir) : loadBert(dir);
}
