// Browser-safe API. Node-only loaders (files, hdf5, shared data) are in './node.ts'.
export * from './backend.js';
export * from './embed.js';
export * from './tokenize/index.js';
export * from './tokenize/elmo-chars.js';
export * from './ops/index.js';
export * from './models/bert.js';
export * from './models/bert-model.js';
export * from './models/elmo.js';
export * from './checkpoint/safetensors.js';
export * from './checkpoint/hf-config.js';
export * from './checkpoint/weight-names.js';
export * from './checkpoint/bert-checkpoint.js';
export * from './train/index.js';
export * from './pretrain/index.js';
