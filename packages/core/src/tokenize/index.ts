// The BERT WordPiece tokenizer (browser-safe). Loading one from a model folder is
// `loadBertTokenizer` in './load.js' (node:fs); `bertTokenizerFromFiles` (any `ModelFiles`) is in the root index.
export { basicTokenize, BasicTokenizer, type BasicToken, type BasicTokenizerOptions } from './basic.js';
export { BertNormalizer, type BertNormalizerOptions, type NormalizedString } from './normalizer.js';
export { WordpieceTokenizer, type WordpieceOptions } from './wordpiece.js';
export { truncatedLengths, type Truncation, type TruncationStrategy } from './truncation.js';
export { cleanUpTokenization } from './decode.js';
export {
  BertTokenizer,
  type AddedToken,
  type BatchEncodeOptions,
  type BertTokenizerConfig,
  type BertTokenizerOptions,
  type DecodeOptions,
  type EncodeOptions,
  type Encoding,
} from './bert-tokenizer.js';
export { bertTokenizerJson } from './bert-tokenizer-json.js';
export {
  trainWordPiece,
  WordCounter,
  WORDPIECE_SPECIAL_TOKENS,
  type WordPieceTrainerOptions,
  type WordPieceTrainingResult,
} from './wordpiece-trainer.js';
export { PipelineTokenizer, type PipelineAddedToken, type PipelineTokenizerConfig, type SpecialTokenNames, type TokenModel } from './pipeline-tokenizer.js';
export type { Tokenizer } from './tokenizer.js';
export { BpeModel, parseMerges, type BpeOptions } from './bpe.js';
export { UnigramModel } from './unigram.js';
export { byteLevelBpeTokenizer, type ByteLevelBpeOptions } from './byte-level-bpe.js';
export { BYTE_TO_CHAR, fromByteLevel } from './byte-level.js';
export { tokenizerFromFiles, type TokenizerDefaults } from './tokenizer-files.js';
export { PLAIN_TEMPLATE, bertTemplate, robertaTemplate, type Template, type TemplateItem } from './templates.js';
export { ByteLevelWordCounter, END_OF_TEXT, mergesText, trainByteLevelBpe, type ByteLevelBpeTraining } from './bpe-trainer.js';
