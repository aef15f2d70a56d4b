/**
 * Loading a BERT tokenizer from a model folder on disk (Node only). What is read, and how, is
 * `bertTokenizerFromFiles` (browser-safe), which the browser kernel uses over HTTP.
 */
import { diskFiles } from '../checkpoint/disk-files.js';
import type { BertTokenizer } from './bert-tokenizer.js';
import { bertTokenizerFromFiles } from './from-files.js';

/** The tokenizer of the model in `dir`. */
export function loadBertTokenizer(dir: string): BertTokenizer {
  return bertTokenizerFromFiles(diskFiles(dir));
}
