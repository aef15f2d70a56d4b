/**
 * What a `--model` / `loadBert(source)` argument means, decided in one place for every Node
 * loader: an existing path is a folder; otherwise something spelled like a hub id
 * (`bert-base-uncased`, `org/name@rev`) is a hub model, resolved to its snapshot folder in the
 * huggingface_hub cache before any folder logic runs. Anything else is left as a path, for the
 * folder loaders to report as missing.
 *
 * Two forms: `resolveModelSource` (async) downloads what the cache lacks; `modelFolderPath`
 * (sync, for the loaders that always were synchronous) uses the cache only.
 *
 * `WB_HUB_PINS` ({"org/name": "commit", ...}, set by `wb run --verify` from a run's record) makes
 * a repository resolve to that commit whatever revision the code asks for, so that a re-run
 * reads the very files the recorded run read.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { RepoCache } from './cache.js';
import { formatHubId, isCommitHash, isHubId, parseHubId } from './repo-id.js';
import { hubSettings } from './settings.js';
import { snapshotDownload, type SnapshotOptions } from './snapshot.js';
import { HubModelUnavailableError } from './unavailable.js';

export interface HubModelRef {
  repoId: string;
  revision: string;
  commit: string;
}

export interface ModelSource {
  /** The folder to load from. */
  dir: string;
  /** Where it came from, when it is a hub model. */
  hub?: HubModelRef;
}

/** The commit `WB_HUB_PINS` pins `repoId` to, if any. */
function pinnedCommit(repoId: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (!env.WB_HUB_PINS) return undefined;
  let pins: unknown;
  try {
    pins = JSON.parse(env.WB_HUB_PINS);
  } catch (e) {
    throw new Error(`WB_HUB_PINS is not valid JSON (${(e as Error).message}); expected {"org/name": "commit", ...}`);
  }
  const commit = (pins as Record<string, unknown> | null)?.[repoId];
  if (commit === undefined) return undefined;
  if (typeof commit !== 'string' || !isCommitHash(commit)) throw new Error(`WB_HUB_PINS: "${repoId}" must map to a 40-hex commit, got ${JSON.stringify(commit)}`);
  return commit;
}

/**
 * The hub id to fetch for `source` (and a `revision` option, which must agree with an `@rev` in
 * the id): the pinned commit instead when the repository is pinned.
 */
function hubIdToLoad(source: string, revision?: string): string {
  const parsed = parseHubId(source);
  if (parsed.revision && revision && parsed.revision !== revision) {
    throw new Error(`${source}: two revisions given ("${parsed.revision}" in the id, "${revision}" as an option)`);
  }
  return formatHubId(parsed.repoId, pinnedCommit(parsed.repoId) ?? parsed.revision ?? revision);
}

/** Whether `source` names a hub model: spelled as a hub id, and no file or folder of that name exists. */
export function isHubModelSource(source: string): boolean {
  return !existsSync(source) && isHubId(source);
}

/** The folder `source` means, downloading a hub model's files when the cache lacks them. */
export async function resolveModelSource(source: string, options: Omit<SnapshotOptions, 'include'> = {}): Promise<ModelSource> {
  if (!isHubModelSource(source)) return { dir: resolve(source) };
  const { revision, ...rest } = options;
  const snapshot = await snapshotDownload(hubIdToLoad(source, revision), { onNotice: (message) => console.warn(message), ...rest });
  return { dir: snapshot.folder, hub: { repoId: snapshot.repoId, revision: snapshot.revision, commit: snapshot.commit } };
}

/** The folder `source` means, from the cache only: a hub model must have been pulled (or loaded async) before. */
export function modelFolderPath(source: string): string {
  if (!isHubModelSource(source)) return resolve(source);
  const { repoId, revision = 'main' } = parseHubId(hubIdToLoad(source));
  const { cacheDir } = hubSettings();
  const cache = new RepoCache(cacheDir, repoId);
  const commit = cache.cachedCommit(revision);
  if (!commit || !existsSync(cache.snapshotDir(commit))) {
    throw new HubModelUnavailableError(
      `${source}: no such folder, and ${formatHubId(repoId, revision)} is not in the hub cache ${cacheDir}; ` +
        `download it first (\`wb pull ${formatHubId(repoId, revision)}\`, or an async loader such as loadBert('${source}'))`,
    );
  }
  return cache.snapshotDir(commit);
}
