// Everything in the browser-safe API plus the Node-only loaders.
export * from './index.js';
export * from './shared-data.js';
export * from './checkpoint/model-folder.js';
export * from './checkpoint/disk-files.js';
export * from './load.js';
export * from './tokenize/load.js';
export * from './tokenize/corpus-words.js';
export * from './checkpoint/allennlp-elmo.js';
export * from './train/state-files.js';
export * from './pretrain/corpus.js';
export * from './pretrain/run-bert.js';
export * from './pretrain/run-elmo.js';
export type { StepRecord } from './train/trainer.js';
export * from './train/run.js';
