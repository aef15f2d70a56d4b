/**
 * The tokenizer of any model folder, from its files (browser-safe; see `checkpoint/model-files.ts`):
 * - `tokenizer.json`: BERT's shape (BertNormalizer, BertPreTokenizer, WordPiece, [CLS] A [SEP])
 *   goes to `BertTokenizer` (`from-files.ts`), anything else (SentencePiece Unigram, BPE, …) to
 *   the general `PipelineTokenizer`;
 * - `vocab.json` + `merges.txt`: byte-level BPE (GPT-2, RoBERTa), with the family's template;
 * - `vocab.txt`: BERT's WordPiece.
 * `tokenizer_config.json`, when present, names the special tokens and gives `add_prefix_space`,
 * `model_max_length` and `clean_up_tokenization_spaces`; the family's defaults fill the rest.
 */
import { configObject } from '../checkpoint/config-fields.js';
import type { ModelFiles } from '../checkpoint/model-files.js';
import { byteLevelBpeTokenizer } from './byte-level-bpe.js';
import { bertTokenizerFromFiles } from './from-files.js';
import { PipelineTokenizer, type SpecialTokenNames } from './pipeline-tokenizer.js';
import { PLAIN_TEMPLATE, robertaTemplate } from './templates.js';
import type { Tokenizer } from './tokenizer.js';

/** What a family says about tokenizer files that do not say it themselves. */
export interface TokenizerDefaults {
  /** The template around texts for vocab.json + merges.txt: GPT-2 adds nothing, RoBERTa `<s> A </s></s> B </s>`. */
  template?: 'plain' | 'roberta';
  /** Special token names when tokenizer_config.json does not give them. */
  specialTokens?: SpecialTokenNames & { cls?: string; sep?: string };
}

export function tokenizerFromFiles(files: ModelFiles, defaults: TokenizerDefaults = {}): Tokenizer {
  const configName = 'tokenizer_config.json';
  const config = files.kind(configName) ? readJson(files, configName) : {};
  const names = { ...defaults.specialTokens, ...specialTokensOf(config) };
  const maxLength = modelMaxLengthOf(config);
  if (files.kind('tokenizer.json')) {
    const json = readJson(files, 'tokenizer.json');
    if (isBertShaped(json)) return bertTokenizerFromFiles(files);
    return PipelineTokenizer.fromTokenizerJson(json, {
      where: files.path('tokenizer.json'),
      specialTokens: Object.keys(names).length > 0 ? names : undefined,
      modelMaxLength: maxLength,
      cleanUpTokenizationSpaces: typeof config.clean_up_tokenization_spaces === 'boolean' ? config.clean_up_tokenization_spaces : undefined,
    });
  }
  if (files.kind('vocab.json') && files.kind('merges.txt')) {
    const vocabJson = readJson(files, 'vocab.json');
    const idOf = (token: string | undefined): [string, number] => {
      const id = token === undefined ? undefined : vocabJson[token];
      if (token === undefined || typeof id !== 'number') throw new Error(`${files.path('vocab.json')}: the special token ${token ?? '(none named)'} is not in the vocabulary`);
      return [token, id];
    };
    const roberta = defaults.template === 'roberta';
    return byteLevelBpeTokenizer(vocabJson, files.text('merges.txt'), {
      template: roberta ? robertaTemplate(idOf(names.cls), idOf(names.sep)) : PLAIN_TEMPLATE,
      specialTokens: { unk: names.unk, pad: names.pad, mask: names.mask, bos: names.bos, eos: names.eos },
      otherSpecialTokens: [names.cls, names.sep].filter((n): n is string => n !== undefined),
      lstripTokens: roberta && names.mask ? [names.mask] : [],
      addPrefixSpace: config.add_prefix_space === true,
      modelMaxLength: maxLength,
      vocabSource: files.path('vocab.json'),
      mergesSource: files.path('merges.txt'),
    });
  }
  if (files.kind('vocab.txt')) return bertTokenizerFromFiles(files);
  throw new Error(`${files.location}: no tokenizer.json, vocab.json + merges.txt or vocab.txt (a tokenizer needs one of them)`);
}

/** Whether a tokenizer.json is BERT's WordPiece pipeline, which `BertTokenizer` implements. */
function isBertShaped(json: Record<string, unknown>): boolean {
  const model = json.model as { type?: string; vocab?: unknown; merges?: unknown } | undefined;
  const type = model?.type ?? (model && model.merges === undefined && !Array.isArray(model.vocab) ? 'WordPiece' : undefined);
  const normalizer = json.normalizer as { type?: string } | null | undefined;
  const preTokenizer = json.pre_tokenizer as { type?: string } | null | undefined;
  const processor = json.post_processor as { type?: string; single?: unknown[]; pair?: unknown[] } | null | undefined;
  const added = (Array.isArray(json.added_tokens) ? json.added_tokens : []) as Array<{ lstrip?: boolean; rstrip?: boolean; single_word?: boolean }>;
  const bertTemplate =
    !processor || processor.type === 'BertProcessing' || (processor.type === 'TemplateProcessing' && processor.single?.length === 3 && processor.pair?.length === 5);
  return (
    type === 'WordPiece' &&
    (!normalizer || normalizer.type === 'BertNormalizer') &&
    preTokenizer?.type === 'BertPreTokenizer' &&
    !added.some((t) => t?.lstrip || t?.rstrip || t?.single_word) &&
    bertTemplate
  );
}

/** tokenizer_config.json's special tokens: a string, or a serialized AddedToken ({ content: "<mask>", … }). */
function specialTokensOf(config: Record<string, unknown>): SpecialTokenNames & { cls?: string; sep?: string } {
  const token = (key: string): string | undefined => {
    const value = config[key];
    if (typeof value === 'string') return value;
    if (value && typeof value === 'object' && typeof (value as { content?: unknown }).content === 'string') return (value as { content: string }).content;
    return undefined;
  };
  const names = { unk: token('unk_token'), pad: token('pad_token'), mask: token('mask_token'), bos: token('bos_token'), eos: token('eos_token'), cls: token('cls_token'), sep: token('sep_token') };
  return Object.fromEntries(Object.entries(names).filter(([, v]) => v !== undefined));
}

/** HF writes 1e30 for "no limit". */
function modelMaxLengthOf(config: Record<string, unknown>): number | undefined {
  const value = config.model_max_length;
  return typeof value === 'number' && Number.isInteger(value) && value > 0 && value < 1e9 ? value : undefined;
}

function readJson(files: ModelFiles, name: string): Record<string, unknown> {
  let json: unknown;
  try {
    json = JSON.parse(files.text(name));
  } catch (error) {
    throw new Error(`${files.path(name)}: not valid JSON (${(error as Error).message})`, { cause: error });
  }
  return configObject(json, files.path(name));
}
