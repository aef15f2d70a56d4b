// The Hugging Face hub client (Node): the hub's HTTP protocol and huggingface_hub's cache layout.
export { isHubId, parseHubId, isCommitHash, formatHubId, type HubId } from './repo-id.js';
export { hubSettings, DEFAULT_ENDPOINT, type HubSettings } from './settings.js';
export { snapshotDownload, type Snapshot, type SnapshotOptions } from './snapshot.js';
export { resolveModelSource, modelFolderPath, isHubModelSource, pinnedCommit, type ModelSource, type HubModelRef } from './model-source.js';
export { listHubCache, removeFromHubCache, describeCachedRepo, hubSnapshotOf, repoFolderName, type CachedRepo, type Removal } from './cache.js';
export { HubHttpError, HubUnreachableError } from './http.js';
export { MODEL_FILE_PATTERNS, CONVERSION_PR_TITLE } from './model-weights.js';
export type { DownloadProgress, ProgressCallback } from './progress.js';
export { HubModelUnavailableError, isHubModelUnavailable } from './unavailable.js';
