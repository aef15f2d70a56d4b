// Everything in the browser-safe API plus the Node-only loaders.
export * from './index.js';
export { defaultThreadCount } from './wasm-threads.js';
export { initNodeBackend } from './node-backend.js';
export { saveBertCheckpoint } from './checkpoint/model-folder.js';
export { removeStaleTempFiles, writeFileAtomic, type PieceWriter } from './atomic-file.js';
// Node's loaders add the encoder engines to core's (same names, so named here to win over index.js's).
export { loadModel, loadBert, loadEmbedder } from './load.js';
export { countCorpusByteLevelWords, countCorpusWords } from './tokenize/corpus-words.js';
export { resolveElmoFiles, saveElmo, type ElmoFiles } from './checkpoint/allennlp-elmo.js';
export { corpusFiles } from './pretrain/corpus.js';
export {
  BERT_PRETRAIN_DEFAULTS,
  pretrainBert,
  type AttentionInit,
  type BertPretrainSettings,
  type PositionInit,
} from './pretrain/run-bert.js';
export { ELMO_PRETRAIN_DEFAULTS, pretrainElmo, type ElmoPretrainSettings } from './pretrain/run-elmo.js';
export { GPT_PRETRAIN_DEFAULTS, pretrainGpt, type GptPretrainSettings } from './pretrain/run-gpt.js';
export { distill, DISTILL_DEFAULTS, SIMILARITY_BATCH_TOKENS, type DistillSettings } from './pretrain/distill.js';
export type { TrainingRunHooks } from './train/run.js';
export { builtModuleUrl, builtUrlBeside, GradientWorkers, parallelHelpers, type WorkerLoss, type WorkerLossFn } from './train/gradient-workers.js';
export { bertToOnnx, type BertOnnxOptions } from './models/bert-onnx.js';
export { checkEngineRuns, ENCODER_ENGINES, encoderEngineOf, type EncoderEngine, type EngineOptions } from './encoder-engine.js';
export { onnxRuntimeSessionOptions } from './onnx/ort-bert-encoder.js';
export { exportBertOnnx, type OnnxExport } from './onnx/export-bert.js';
export {
  HubHttpError,
  hubSettings,
  hubSnapshotOf,
  isHubModelSource,
  listHubCache,
  removeFromHubCache,
  repoFolderName,
  resolveModelSource,
  snapshotDownload,
  type CachedRepo,
  type DownloadProgress,
  type HubModelRef,
  type HubSettings,
  type ModelSource,
  type ProgressCallback,
  type Removal,
  type Snapshot,
  type SnapshotOptions,
} from './hub/index.js';
