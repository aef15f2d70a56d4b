/** Loading any shipped or downloaded model folder by what its files say it is (Node). */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadElmo } from './checkpoint/allennlp-elmo.js';
import { loadBertCheckpoint, resolveModelDir } from './checkpoint/model-folder.js';
import type { ContextualEmbedder } from './embed.js';
import { BertModel } from './models/bert-model.js';
import { loadBertTokenizer } from './tokenize/load.js';

export async function loadBert(dir: string): Promise<BertModel> {
  const checkpoint = loadBertCheckpoint(dir);
  const tokenizer = loadBertTokenizer(checkpoint.dir);
  if (tokenizer.vocabSize > checkpoint.config.vocabSize) {
    throw new Error(
      `${checkpoint.dir}: the tokenizer has ${tokenizer.vocabSize} tokens but the model's vocab_size is ${checkpoint.config.vocabSize}`,
    );
  }
  return new BertModel(checkpoint.config, checkpoint.weights, tokenizer);
}

export type ModelFamily = 'bert' | 'elmo';

/** BERT folders have config.json; AllenNLP ELMo folders have options.json + an hdf5 file. */
export function detectModelFamily(dir: string): ModelFamily {
  const folder = resolveModelDir(dir);
  if (existsSync(join(folder, 'config.json'))) return 'bert';
  if (existsSync(join(folder, 'options.json'))) return 'elmo';
  throw new Error(`${folder}: neither config.json (BERT) nor options.json (ELMo) found`);
}

/**
 * Any model folder as a ContextualEmbedder (per-word vectors of every layer), for code that only
 * needs "the vector of this word in this sentence": BERT or AllenNLP ELMo, chosen by its files.
 */
export async function loadEmbedder(dir: string): Promise<ContextualEmbedder> {
  return detectModelFamily(dir) === 'elmo' ? loadElmo(dir) : loadBert(dir);
}
