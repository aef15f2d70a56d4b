// Everything in the browser-safe API plus the Node-only loaders.
export * from './index.js';
export * from './shared-data.js';
export * from './checkpoint/model-folder.js';
export * from './load.js';
export * from './tokenize/load.js';
export * from './checkpoint/allennlp-elmo.js';
