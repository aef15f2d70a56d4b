/**
 * GPT-2's and RoBERTa's tokenizer from `vocab.json` + `merges.txt`, assembled as Hugging Face's
 * `GPT2Converter` / `RobertaConverter` assemble it: byte-level pre-tokenizer (GPT-2's regex, then
 * bytes as characters), BPE without unknown tokens, the byte-level decoder, and the family's
 * template (none for GPT-2, `<s> A </s></s> B </s>` with trimmed offsets for RoBERTa). The special
 * tokens are added tokens, matched before anything else; RoBERTa's `<mask>` takes the space before
 * it (lstrip), so "Paris is <mask>." predicts " Paris"-style tokens.
 */
import { BpeModel, parseMerges } from './bpe.js';
import { decoderFromJson } from './decoders.js';
import { PipelineTokenizer, vocabMap, type PipelineAddedToken, type SpecialTokenNames } from './pipeline-tokenizer.js';
import { preTokenizerFromJson } from './pre-tokenizers.js';
import type { Template } from './templates.js';

interface ByteLevelBpeOptions {
  template: Template;
  specialTokens: SpecialTokenNames;
  /** More special tokens (cls, sep, …): every special token is an added token. */
  otherSpecialTokens?: string[];
  /** Tokens that take the whitespace on their left (RoBERTa's mask). */
  lstripTokens?: string[];
  /** Put a space before the text, so its first word is tokenised like any other (HF `add_prefix_space`). */
  addPrefixSpace?: boolean;
  modelMaxLength?: number;
  /** File names for errors. */
  vocabSource?: string;
  mergesSource?: string;
}

export function byteLevelBpeTokenizer(vocabJson: unknown, mergesText: string, options: ByteLevelBpeOptions): PipelineTokenizer {
  const vocab = vocabMap(vocabJson, options.vocabSource ?? 'vocab.json');
  const merges = parseMerges(mergesText, options.mergesSource ?? 'merges.txt');
  let model: BpeModel;
  try {
    model = new BpeModel(vocab, merges);
  } catch (e) {
    throw new Error(`${options.mergesSource ?? 'merges.txt'}: ${(e as Error).message}`, { cause: e });
  }
  const names = [...Object.values(options.specialTokens), ...(options.otherSpecialTokens ?? [])].filter((n): n is string => typeof n === 'string');
  const addedTokens: PipelineAddedToken[] = [];
  for (const content of new Set(names)) {
    const id = vocab.get(content);
    if (id === undefined) throw new Error(`${options.vocabSource ?? 'vocab.json'}: the special token ${content} is not in the vocabulary`);
    const lstrip = options.lstripTokens?.includes(content) ?? false;
    addedTokens.push({ id, content, special: true, normalized: false, lstrip, rstrip: false, singleWord: false });
  }
  return new PipelineTokenizer({
    model,
    preTokenizer: preTokenizerFromJson({ type: 'ByteLevel', add_prefix_space: options.addPrefixSpace ?? false, use_regex: true }, 'byte-level BPE'),
    template: options.template,
    decoder: decoderFromJson({ type: 'ByteLevel' }, 'byte-level BPE'),
    addedTokens,
    specialTokens: options.specialTokens,
    modelMaxLength: options.modelMaxLength,
  });
}
