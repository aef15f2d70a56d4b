/**
 * `snapshotDownload`: a repository at a revision as a local folder, the way huggingface_hub's
 * `snapshot_download` does it:
 *   1. GET /api/models/{repo}/revision/{rev}         → the commit sha and the file list (siblings)
 *   2. HEAD /{repo}/resolve/{commit}/{file}           → ETag (an LFS file: X-Linked-Etag = its sha256,
 *      for each file the snapshot lacks                 X-Linked-Size, and a redirect to the CDN)
 *   3. GET the file (from the CDN), into blobs/{etag}, checked, under the blob's lock
 *   4. snapshots/{commit}/{file} → blobs/{etag}; refs/{rev} = commit
 * The snapshot's files are linked only once every blob is in place, so a failed pull leaves no
 * snapshot file behind. Offline (HF_HUB_OFFLINE=1) or with the hub unreachable, the cached
 * snapshot serves, and an error names what the cache lacks.
 */
import { existsSync, readFileSync } from 'node:fs';
import { downloadBlob } from './blob-download.js';
import { RepoCache } from './cache.js';
import { hubError, hubFetch, hubJson, resolveUrl, revisionInfoUrl, HubUnreachableError } from './http.js';
import { withFileLock } from './lock.js';
import { checkLoadableWeights, MODEL_FILE_PATTERNS } from './model-weights.js';
import { filterFiles, matchesAny } from './patterns.js';
import { ProgressTracker, type ProgressCallback } from './progress.js';
import { formatHubId, parseHubId } from './repo-id.js';
import { HubModelUnavailableError } from './unavailable.js';
import { hubSettings, type HubSettings } from './settings.js';

export interface SnapshotOptions {
  /** Branch, tag, commit or refs/pr/N; default 'main' (or what `repoId@rev` says). */
  revision?: string;
  /**
   * Only files matching one of these (fnmatch, as huggingface_hub's allow_patterns). By default,
   * what a model needs (MODEL_FILE_PATTERNS), and a repository whose only weights are pickles
   * is refused.
   */
  include?: string[];
  exclude?: string[];
  onProgress?: ProgressCallback;
  /** Things worth telling a person: serving from the cache because the hub is unreachable, waiting for another process. */
  onNotice?: (message: string) => void;
  /** Overrides of the environment (HF_ENDPOINT, HF_TOKEN, HF_HUB_CACHE, HF_HUB_OFFLINE). */
  settings?: Partial<HubSettings>;
}

export interface Snapshot {
  repoId: string;
  revision: string;
  commit: string;
  /** snapshots/{commit}: a model folder. */
  folder: string;
  /** The files asked for ('/'-separated, relative to `folder`), all in place. */
  files: string[];
  /** Of those, the ones this call downloaded. */
  downloaded: string[];
  /** Served from the cache without the hub (offline, or the hub unreachable). */
  fromCache: boolean;
}

interface RevisionInfo {
  sha?: string;
  siblings?: Array<{ rfilename: string }>;
}

interface FileMetadata {
  file: string;
  etag: string;
  size?: number;
  /** Where the bytes are: the CDN URL the hub redirected to, or the resolve URL itself. */
  location: string;
  /** An LFS file's sha256. */
  sha256?: string;
}

/** ETags arrive quoted, sometimes weak (`W/"…"`); the blob's name is the bare value. */
function normalizeEtag(etag: string | null): string | undefined {
  if (!etag) return undefined;
  return etag.replace(/^W\//, '').replace(/^"(.*)"$/, '$1') || undefined;
}

function intHeader(value: string | null): number | undefined {
  const n = value === null ? NaN : Number(value);
  return Number.isInteger(n) && n >= 0 ? n : undefined;
}

/** HEAD of a file at a commit: its ETag, size and download location (relative redirects followed, as renamed repos need). */
async function fileMetadata(settings: HubSettings, repoId: string, commit: string, file: string): Promise<FileMetadata> {
  let url = resolveUrl(settings, repoId, commit, file);
  const target = { repoId, revision: commit, file };
  for (let hop = 0; hop < 5; hop++) {
    const response = await hubFetch(settings, url, { method: 'HEAD', follow: false, timeoutSeconds: 10, headers: { 'accept-encoding': 'identity' } });
    const redirect = response.status >= 300 && response.status < 400 ? response.headers.get('location') : null;
    if (redirect && !/^[a-z][a-z0-9+.-]*:/i.test(redirect)) {
      url = new URL(redirect, url).href;
      continue;
    }
    if (!redirect && !response.ok) throw hubError(response, settings, target);
    const served = response.headers.get('x-repo-commit');
    if (!served) {
      throw new Error(`${url}: no X-Repo-Commit header in the answer; is HF_ENDPOINT (${settings.endpoint}) a Hugging Face hub?`);
    }
    if (served !== commit) throw new Error(`${repoId}: ${file} was served from commit ${served}, not the ${commit} asked for`);
    const linked = normalizeEtag(response.headers.get('x-linked-etag'));
    const etag = linked ?? normalizeEtag(response.headers.get('etag'));
    if (!etag) throw new Error(`${url}: no ETag in the answer, so the file cannot be cached`);
    return {
      file,
      etag,
      size: intHeader(response.headers.get('x-linked-size')) ?? intHeader(response.headers.get('content-length')),
      location: redirect ? new URL(redirect, url).href : url,
      sha256: linked && /^[0-9a-f]{64}$/.test(linked) ? linked : undefined,
    };
  }
  throw new Error(`${url}: too many redirects`);
}

function hasFile(cache: RepoCache, commit: string, file: string): boolean {
  return existsSync(cache.snapshotFile(commit, file)); // follows the symlink: a dangling one is missing
}

/** What a model folder must have to load, that this snapshot lacks. */
function missingModelFiles(cache: RepoCache, commit: string, present: string[]): string[] {
  const missing: string[] = [];
  if (!present.includes('config.json') && !present.includes('options.json')) missing.push('config.json');
  const index = 'model.safetensors.index.json';
  if (present.includes(index)) {
    try {
      const { weight_map = {} } = JSON.parse(readFileSync(cache.snapshotFile(commit, index), 'utf8')) as { weight_map?: Record<string, string> };
      missing.push(...[...new Set(Object.values(weight_map))].filter((shard) => !present.includes(shard)));
    } catch {
      // unreadable: the loader says so, naming the file
    }
  } else if (!present.some((f) => /\.(safetensors|hdf5)$/.test(f))) missing.push('model.safetensors');
  return missing;
}

/** The snapshot as the cache has it, for when the hub cannot be asked; `why` says why not. */
function fromCache(cache: RepoCache, repoId: string, revision: string, options: SnapshotOptions, why: 'offline' | HubUnreachableError): Snapshot {
  const id = formatHubId(repoId, revision);
  const reason = why === 'offline' ? 'HF_HUB_OFFLINE=1, so nothing is downloaded' : why.message;
  const remedy = why === 'offline' ? `unset HF_HUB_OFFLINE and run \`wb pull ${id}\`` : `run \`wb pull ${id}\` once the hub is reachable`;
  const commit = cache.cachedCommit(revision);
  if (!commit) {
    const what = existsSync(cache.folder) ? `${cache.folder} has no refs/${revision}` : `nothing of ${repoId} is in ${cache.cacheDir}`;
    throw new HubModelUnavailableError(`${id} is not in the hub cache (${what}) and ${reason}; ${remedy}`);
  }
  const present = cache.snapshotFiles(commit).filter((f) => hasFile(cache, commit, f));
  const folder = cache.snapshotDir(commit);
  let files: string[];
  if (options.include) {
    const unmatched = options.include.filter((pattern) => !present.some((f) => matchesAny(f, [pattern])));
    if (unmatched.length) {
      throw new HubModelUnavailableError(`${id} (commit ${commit}) in the cache has no file matching ${unmatched.join(', ')} (${folder} has: ${present.join(', ') || 'nothing'}) and ${reason}; ${remedy}`);
    }
    files = filterFiles(present, options.include, options.exclude);
  } else {
    const missing = missingModelFiles(cache, commit, present);
    if (missing.length) {
      throw new HubModelUnavailableError(`${id} (commit ${commit}) is in the hub cache without ${missing.join(', ')} (${folder} has: ${present.join(', ') || 'nothing'}) and ${reason}; ${remedy}`);
    }
    files = filterFiles(present, MODEL_FILE_PATTERNS, options.exclude);
  }
  if (why !== 'offline') options.onNotice?.(`${why.message}; using ${id} from the cache (commit ${commit.slice(0, 12)})`);
  return { repoId, revision, commit, folder, files, downloaded: [], fromCache: true };
}

/**
 * Downloads what the cache lacks of `repoId` at a revision and returns the snapshot folder and
 * its commit. `repoId` may carry the revision (`org/name@v1`).
 */
export async function snapshotDownload(repoId: string, options: SnapshotOptions = {}): Promise<Snapshot> {
  const parsed = parseHubId(repoId);
  if (parsed.revision && options.revision && parsed.revision !== options.revision) {
    throw new Error(`${repoId}: two revisions given ("${parsed.revision}" in the id, "${options.revision}" as an option)`);
  }
  const revision = parsed.revision ?? options.revision ?? 'main';
  const id = formatHubId(parsed.repoId, revision);
  const settings = hubSettings(options.settings);
  const cache = new RepoCache(settings.cacheDir, parsed.repoId);
  if (settings.offline) return fromCache(cache, parsed.repoId, revision, options, 'offline');

  let info: RevisionInfo;
  try {
    info = await hubJson<RevisionInfo>(settings, revisionInfoUrl(settings, parsed.repoId, revision), { repoId: parsed.repoId, revision });
  } catch (e) {
    if (e instanceof HubUnreachableError) return fromCache(cache, parsed.repoId, revision, options, e);
    throw e;
  }
  const commit = info.sha;
  if (!commit || !Array.isArray(info.siblings)) throw new Error(`${id}: the hub's revision info has no "sha" or "siblings"`);
  const all = info.siblings.map((s) => s.rfilename);
  if (!options.include) await checkLoadableWeights(settings, parsed.repoId, revision, all);
  const files = filterFiles(all, options.include ?? MODEL_FILE_PATTERNS, options.exclude);
  if (files.length === 0) {
    throw new Error(`${id}: no file matches ${(options.include ?? MODEL_FILE_PATTERNS).join(', ')} (the repository has: ${all.join(', ') || 'nothing'})`);
  }

  const wanted = files.filter((f) => !hasFile(cache, commit, f));
  const metadata: FileMetadata[] = [];
  for (const file of wanted) metadata.push(await fileMetadata(settings, parsed.repoId, commit, file));
  const toFetch = metadata.filter((m) => !existsSync(cache.blobPath(m.etag)));
  const progress = new ProgressTracker(parsed.repoId, toFetch.reduce((sum, m) => sum + (m.size ?? 0), 0), options.onProgress);
  for (const meta of toFetch) {
    await withFileLock(
      cache.lockPath(meta.etag),
      () =>
        downloadBlob({
          settings,
          url: meta.location,
          target: { repoId: parsed.repoId, revision: commit, file: meta.file },
          blobPath: cache.blobPath(meta.etag),
          size: meta.size,
          sha256: meta.sha256,
          progress,
        }),
      { onWait: (owner) => options.onNotice?.(`${id}: ${meta.file} is being downloaded by ${owner}; waiting for it`) },
    );
  }
  if (toFetch.length) progress.finish(toFetch.at(-1)!.file);
  for (const meta of metadata) cache.linkSnapshotFile(commit, meta.file, meta.etag);
  if (revision !== commit) cache.writeRef(revision, commit);
  return {
    repoId: parsed.repoId,
    revision,
    commit,
    folder: cache.snapshotDir(commit),
    files,
    downloaded: toFetch.map((m) => m.file),
    fromCache: false,
  };
}
