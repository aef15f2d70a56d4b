// Everything in the browser-safe API plus the Node-only loaders.
export * from './index.js';
export * from './shared-data.js';
export { defaultThreadCount, useWasmThreads, wasmThreadCount } from './wasm-threads.js';
export { initNodeBackend } from './node-backend.js';
export { registerWasmKernels } from './kernels-wasm/load-node.js';
export * from './checkpoint/model-folder.js';
export { removeStaleTempFiles, writeFileAtomic } from './atomic-file.js';
export * from './checkpoint/disk-files.js';
export * from './load.js';
// Node's loaders add the encoder engines to core's (same names, so named here to win over index.js's).
export { loadModel, loadBert, loadEmbedder } from './load.js';
export * from './tokenize/load.js';
export * from './tokenize/corpus-words.js';
export * from './checkpoint/allennlp-elmo.js';
export * from './train/state-files.js';
export * from './pretrain/corpus.js';
export * from './pretrain/run-bert.js';
export * from './pretrain/elmo-data.js';
export * from './pretrain/run-elmo.js';
export * from './pretrain/run-gpt.js';
export * from './pretrain/distill.js';
export type { StepRecord } from './train/trainer.js';
export * from './train/run.js';
export * from './models/bert-onnx.js';
export * from './encoder-engine.js';
export * from './onnx/ort-bert-encoder.js';
export * from './onnx/export-bert.js';
export * from './hub/index.js';
