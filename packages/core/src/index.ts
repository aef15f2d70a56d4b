// Browser-safe API. Node-only loaders (files, hdf5, shared data) are in './node.ts'.
export * from './backend.js';
export * from './embed.js';
// Long work reports how far it is (the notebook kernels draw it as a bar in the running cell).
export { setWorkListener, startWork, type WorkInfo, type WorkListener, type WorkProgress } from './work-progress.js';
export * from './word-spans.js';
export * from './tokenize/index.js';
export * from './tokenize/elmo-chars.js';
export * from './ops/index.js';
export * from './models/bert.js';
export * from './models/bert-model.js';
export * from './models/bert-encoder.js';
export * from './models/elmo/index.js';
export * from './models/language-model.js';
export * from './models/encoder-model.js';
export * from './models/distilbert.js';
export * from './models/roberta.js';
export * from './models/albert.js';
export * from './models/gpt2.js';
export * from './models/gpt2-model.js';
export * from './models/sampling.js';
export * from './models/families.js';
export * from './load-model.js';
export * from './load-fallback.js';
// Hub ids as people type them, and the one hub failure a loader may answer with another model.
export { isHubId, parseHubId, formatHubId, isCommitHash, type HubId } from './hub/repo-id.js';
export { HubModelUnavailableError, isHubModelUnavailable } from './hub/unavailable.js';
export * from './checkpoint/file-access.js';
export * from './checkpoint/weight-map.js';
export * from './checkpoint/safetensors.js';
export * from './checkpoint/hf-config.js';
export * from './checkpoint/weight-names.js';
export * from './checkpoint/bert-checkpoint.js';
export * from './checkpoint/model-files.js';
// How a hub cache entry leads to its snapshot; loading itself is load-model.ts.
export { resolveModelFolder } from './checkpoint/bert-folder.js';
export * from './checkpoint/elmo-folder.js';
export * from './train/index.js';
export * from './pretrain/index.js';
