/**
 * A BERT tokenizer from the files of a model folder (browser-safe; see `checkpoint/model-files.ts`).
 * Reads `tokenizer.json` when there is one, else `vocab.txt`; `tokenizer_config.json`, when
 * present, gives `do_lower_case` (default true, as in HF), `strip_accents`,
 * `tokenize_chinese_chars`, the special token names and `model_max_length`.
 */
import type { ModelFiles } from '../checkpoint/model-files.js';
import { configObject, describeValue, parseConfigJson } from '../checkpoint/config-fields.js';
import { BertTokenizer, type BertTokenizerOptions } from './bert-tokenizer.js';

export function bertTokenizerFromFiles(files: ModelFiles): BertTokenizer {
  const config = 'tokenizer_config.json';
  const options = files.kind(config) ? optionsFromConfig(readJson(files, config), files.path(config)) : {};
  if (files.kind('tokenizer.json')) {
    return withSource(files.path('tokenizer.json'), () => BertTokenizer.fromTokenizerJson(readJson(files, 'tokenizer.json'), options));
  }
  if (!files.kind('vocab.txt')) throw new Error(`${files.location}: no tokenizer.json or vocab.txt (a BERT tokenizer needs one of them)`);
  return withSource(files.path('vocab.txt'), () => BertTokenizer.fromVocab(files.text('vocab.txt'), options));
}

/** HF's tokenizer_config.json keys, as BertTokenizer options. */
function optionsFromConfig(config: Record<string, unknown>, path: string): BertTokenizerOptions {
  const flag = (key: string): boolean | undefined => {
    const value = config[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'boolean') throw new Error(`${path}: "${key}" should be true or false, not ${JSON.stringify(value)}`);
    return value;
  };
  // Special tokens are written as a string or as a serialized AddedToken ({ content: "[MASK]", … }).
  const token = (key: string): string | undefined => {
    const value = config[key];
    if (typeof value === 'string') return value;
    if (value && typeof value === 'object' && typeof (value as { content?: unknown }).content === 'string') {
      return (value as { content: string }).content;
    }
    return undefined;
  };
  const maxLength = config.model_max_length;
  if (maxLength !== undefined && maxLength !== null && !(typeof maxLength === 'number' && Number.isInteger(maxLength) && maxLength > 0) && !(typeof maxLength === 'number' && maxLength >= 1e9)) {
    throw new Error(`${path}: "model_max_length" must be a positive integer, got ${describeValue(maxLength)}`);
  }
  return {
    // Default true even when absent: HF's BertTokenizer(Fast) applies do_lower_case=True then.
    doLowerCase: flag('do_lower_case') ?? true,
    stripAccents: flag('strip_accents'),
    tokenizeChineseChars: flag('tokenize_chinese_chars'),
    unkToken: token('unk_token'),
    clsToken: token('cls_token'),
    sepToken: token('sep_token'),
    padToken: token('pad_token'),
    maskToken: token('mask_token'),
    // HF writes 1e30 for "no limit".
    modelMaxLength: typeof maxLength === 'number' && maxLength < 1e9 ? maxLength : undefined,
  };
}

function readJson(files: ModelFiles, name: string): Record<string, unknown> {
  return configObject(parseConfigJson(files.text(name), files.path(name)), files.path(name));
}

/** Prefixes the file's path to errors that do not name it already. */
function withSource<T>(path: string, make: () => T): T {
  try {
    return make();
  } catch (error) {
    const message = (error as Error).message.replace(/^(tokenizer\.json|vocab\.txt): /, '');
    throw new Error(`${path}: ${message}`, { cause: error });
  }
}
