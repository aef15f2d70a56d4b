// Browser-safe API. Node-only loaders (files, hdf5) are in './node.ts'.
export { backendName, initBackend, tf, type BackendName } from './backend.js';
export {
  cosineSimilarity,
  findWord,
  type ContextualEmbedder,
  type EmbeddedSentence,
  type EmbeddedWord,
  type EmbedOptions,
  type WordPooling,
} from './embed.js';
// Long work reports how far it is (the notebook kernels draw it as a bar in the running cell).
export { setWorkListener, startWork, type WorkInfo, type WorkListener, type WorkProgress } from './work-progress.js';
export { findTokens, meanOfRows, tokensInSpan, type CharSpan } from './word-spans.js';
export {
  BasicTokenizer,
  BertNormalizer,
  BertTokenizer,
  ByteLevelWordCounter,
  mergesText,
  trainByteLevelBpe,
  trainWordPiece,
  vocabLines,
  WordCounter,
  WordpieceTokenizer,
  type AddedToken,
  type BasicToken,
  type BasicTokenizerOptions,
  type BatchEncodeOptions,
  type BertNormalizerOptions,
  type BertTokenizerConfig,
  type BertTokenizerOptions,
  type ByteLevelBpeTraining,
  type DecodeOptions,
  type EncodeOptions,
  type Encoding,
  type NormalizedString,
  type Tokenizer,
  type Truncation,
  type WordpieceOptions,
  type WordPieceTrainerOptions,
  type WordPieceTrainingResult,
} from './tokenize/index.js';
export { batchToElmoCharIds } from './tokenize/elmo-chars.js';
export {
  FUSED_ADD_LAYER_NORM,
  FUSED_ATTENTION,
  FUSED_BIAS_GELU,
  FUSED_LAYER_NORM,
  hasFusedKernel,
  setFusedKernelsEnabled,
} from './ops/fused.js';
export { attention, attentionProbs, MASKED_SCORE, type AttentionResult } from './ops/attention.js';
export { layerNorm, layerNormComposed } from './ops/layer-norm.js';
export { biasGelu, gelu, type GeluApproximation } from './ops/gelu.js';
export { dense } from './ops/dense.js';
export { crossEntropy, crossEntropyIgnoring, IGNORE_INDEX } from './ops/cross-entropy.js';
export {
  BERT_DEFAULTS,
  bertForward,
  initBertWeights,
  linear,
  pooler,
  type BertConfig,
  type BertInputs,
  type BertOutputs,
  type BertWeights,
} from './models/bert.js';
export { BertModel, type BertInput, type BertRun, type BertRunOptions, type FillMaskPrediction } from './models/bert-model.js';
export { tfjsBertEncoder, withoutPooler, type BertBatch, type BertEncodeOptions, type BertEncoder } from './models/bert-encoder.js';
export {
  ElmoModel,
  elmoVariables,
  initElmoWeights,
  parseElmoOptions,
  scalarMix,
  ScalarMix,
  type ElmoModelOptions,
  type ElmoOptions,
  type ElmoOutputs,
  type ElmoRepresentations,
  type ElmoWeights,
} from './models/elmo/index.js';
export type {
  FamilyName,
  FeatureOptions,
  GenerateOptions,
  Generation,
  LanguageModel,
  ModelInput,
  Objective,
  TokenFeatures,
} from './models/language-model.js';
export { EncoderModel, type EncoderInput, type EncoderParts, type EncoderRun, type EncoderRunOptions } from './models/encoder-model.js';
export type { Gpt2Config, Gpt2Weights } from './models/gpt2.js';
export { Rng } from './models/sampling.js';
export {
  detectModelFamily,
  loadBert,
  loadBertCheckpoint,
  loadBertTokenizer,
  loadElmo,
  loadEmbedder,
  loadModel,
  readModelTensors,
  type ElmoFilePaths,
  type LoadModelOptions,
  type ModelRef,
} from './load-model.js';
export { loadHubModelOr, type HubFallbackOptions } from './load-fallback.js';
// Hub ids as people type them, and the one hub failure a loader may answer with another model.
export { isHubId, parseHubId, isCommitHash, type HubId } from './hub/repo-id.js';
export { HubModelUnavailableError, isHubModelUnavailable } from './hub/unavailable.js';
export { useFileAccess, type FileAccess, type Hdf5Classes } from './checkpoint/file-access.js';
export {
  readSafetensors,
  writeSafetensors,
  type SafetensorsDtype,
  type SafetensorsFile,
  type StoredTensor,
  type TensorToWrite,
} from './checkpoint/safetensors.js';
export { bertFromStored, parseBertConfig, type BertCheckpoint, type StoredBert } from './checkpoint/bert-checkpoint.js';
export { joinLocation, type ModelFiles } from './checkpoint/model-files.js';
export { hasHdf5Signature } from './checkpoint/elmo-folder.js';
export { deriveSeed } from './train/rng.js';
export { AdamW, type AdamWOptions, type AdamWState } from './train/adamw.js';
export { linearWarmupDecay } from './train/schedule.js';
export { clipByGlobalNorm } from './train/clip.js';
export { bertTrainableAfterFreezing } from './train/freeze.js';
export {
  optimizerOptions,
  Trainer,
  type GradientHelpers,
  type LossOutput,
  type OptimizerSettings,
  type SavedTrainer,
  type StepRecord,
  type TrainBatch,
  type TrainerOptions,
  type TrainingState,
} from './train/trainer.js';
export type { MaskReplacement, PretrainingBatch } from './pretrain/bert-data.js';
export { bertPretrainingLoss } from './pretrain/bert-loss.js';
export { elmoLmLoss, type ElmoLmBatch, type ElmoLmLossOptions } from './pretrain/elmo-loss.js';
export type { CausalLmBatch } from './pretrain/gpt-data.js';
export { perplexity } from './pretrain/gpt-loss.js';
export { extendBertWeights, extendVocabulary, tokensAddedTo } from './pretrain/vocab-extension.js';
