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
export {
  trainWordPiece,
  WordCounter,
  WORDPIECE_SPECIAL_TOKENS,
  type WordPieceTrainerOptions,
  type WordPieceTrainingResult,
} from './wordpiece-trainer.js';
