// The BERT WordPiece tokenizer (browser-safe). Loading one from a model folder is
// `loadBertTokenizer` in '../load.js' (node:fs); `bertTokenizerFromFiles` (any `ModelFiles`) is in './from-files.js'.
export { basicTokenize, BasicTokenizer, type BasicToken, type BasicTokenizerOptions } from './basic.js';
export { BertNormalizer, type BertNormalizerOptions, type NormalizedString } from './normalizer.js';
export { WordpieceTokenizer, type WordpieceOptions } from './wordpiece.js';
export { truncatedLengths, type Truncation } from './truncation.js';
export {
  BertTokenizer,
  type AddedToken,
  type BatchEncodeOptions,
  type BertTokenizerConfig,
  type BertTokenizerOptions,
  type DecodeOptions,
  type EncodeOptions,
  type Encoding,
  vocabLines,
} from './bert-tokenizer.js';
export { trainWordPiece, WordCounter, type WordPieceTrainerOptions, type WordPieceTrainingResult } from './wordpiece-trainer.js';
export type { Tokenizer } from './tokenizer.js';
export { ByteLevelWordCounter, mergesText, trainByteLevelBpe, type ByteLevelBpeTraining } from './bpe-trainer.js';
