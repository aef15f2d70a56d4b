// The Hugging Face hub client (Node): the hub's HTTP protocol and huggingface_hub's cache layout.
export { hubSettings, type HubSettings } from './settings.js';
export { snapshotDownload, type Snapshot, type SnapshotOptions } from './snapshot.js';
export { resolveModelSource, isHubModelSource, type ModelSource, type HubModelRef } from './model-source.js';
export { listHubCache, removeFromHubCache, hubSnapshotOf, repoFolderName, type CachedRepo, type Removal } from './cache.js';
export { HubHttpError } from './http.js';
export type { DownloadProgress, ProgressCallback } from './progress.js';
