/**
 * The huggingface_hub cache layout, so that a cache filled by Python is reused here and the
 * other way round:
 *
 *   {cacheDir}/models--{org}--{name}/
 *     blobs/{etag}                 the bytes, named by their ETag (an LFS file's sha256, else the git blob id)
 *     snapshots/{commit}/{file}    a relative symlink to ../../blobs/{etag} (a copy where symlinks fail)
 *     refs/{revision}              the commit a branch or tag pointed at when last resolved
 *   {cacheDir}/.locks/models--{org}--{name}/{etag}.lock
 *
 * Every file here appears by rename, so a reader never sees half of one.
 */
import { copyFileSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, statSync, symlinkSync, unlinkSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { writeFileAtomic } from '../atomic-file.js';
import { isCommitHash } from './repo-id.js';

/** `org/name` → `models--org--name`. */
export function repoFolderName(repoId: string): string {
  return `models--${repoId.split('/').join('--')}`;
}

/** `models--org--name` → `org/name`; undefined for other entries (datasets, spaces, `.locks`). */
function repoIdOfFolderName(name: string): string | undefined {
  return name.startsWith('models--') ? name.slice('models--'.length).split('--').join('/') : undefined;
}

let uniqueCounter = 0;
/** A name beside `path` that no other process or call uses. */
function temporaryName(path: string): string {
  return `${path}.tmp-${process.pid}-${++uniqueCounter}`;
}

/** One repository's corner of the cache. */
export class RepoCache {
  readonly folder: string;

  constructor(
    readonly cacheDir: string,
    readonly repoId: string,
  ) {
    this.folder = join(cacheDir, repoFolderName(repoId));
  }

  blobPath(etag: string): string {
    return join(this.folder, 'blobs', etag);
  }

  lockPath(etag: string): string {
    return join(this.cacheDir, '.locks', repoFolderName(this.repoId), `${etag}.lock`);
  }

  snapshotDir(commit: string): string {
    return join(this.folder, 'snapshots', commit);
  }

  snapshotFile(commit: string, file: string): string {
    return join(this.snapshotDir(commit), ...file.split('/'));
  }

  /** `refs/pr/1` is stored as refs/refs/pr/1, as huggingface_hub does. */
  refPath(revision: string): string {
    return join(this.folder, 'refs', ...revision.split('/'));
  }

  readRef(revision: string): string | undefined {
    try {
      return readFileSync(this.refPath(revision), 'utf8').trim() || undefined;
    } catch {
      return undefined;
    }
  }

  writeRef(revision: string, commit: string): void {
    if (this.readRef(revision) !== commit) writeFileAtomic(this.refPath(revision), commit);
  }

  /** The commit `revision` names in the cache: itself when it is a cached commit, else what refs/ says. */
  cachedCommit(revision: string): string | undefined {
    if (isCommitHash(revision)) return existsSync(this.snapshotDir(revision)) ? revision : undefined;
    return this.readRef(revision);
  }

  /**
   * Makes `snapshots/{commit}/{file}` point at the blob: a relative symlink (the cache folder
   * can move), or a copy where the file system refuses symlinks. Replaces what was there.
   */
  linkSnapshotFile(commit: string, file: string, etag: string): void {
    const pointer = this.snapshotFile(commit, file);
    const blob = this.blobPath(etag);
    mkdirSync(dirname(pointer), { recursive: true });
    const tmp = temporaryName(pointer);
    try {
      symlinkSync(relative(dirname(pointer), blob), tmp);
    } catch (e) {
      if (!['EPERM', 'ENOTSUP', 'EINVAL', 'EACCES'].includes((e as NodeJS.ErrnoException).code ?? '')) throw e;
      copyFileSync(blob, tmp);
    }
    renameSync(tmp, pointer);
  }

  /** Files of a snapshot, relative and '/'-separated; [] when the snapshot does not exist. */
  snapshotFiles(commit: string): string[] {
    return listFiles(this.snapshotDir(commit));
  }
}

function listFiles(dir: string, prefix = ''): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  const files: string[] = [];
  for (const name of entries.sort()) {
    const path = join(dir, name);
    const rel = prefix ? `${prefix}/${name}` : name;
    let isDir = false;
    try {
      isDir = statSync(path).isDirectory();
    } catch {
      // a dangling symlink: listed, so that what is broken shows
    }
    if (isDir) files.push(...listFiles(path, rel));
    else files.push(rel);
  }
  return files;
}

/**
 * The hub repository and commit a path lies in, when it is inside a cache snapshot
 * (`…/models--org--name/snapshots/{commit}/…`): what a run records as the model it used.
 */
export function hubSnapshotOf(path: string): { repoId: string; commit: string } | undefined {
  const parts = resolve(path).split(sep);
  for (let i = parts.length - 3; i >= 0; i--) {
    const repoId = repoIdOfFolderName(parts[i]);
    if (repoId && parts[i + 1] === 'snapshots' && isCommitHash(parts[i + 2] ?? '')) return { repoId, commit: parts[i + 2] };
  }
  return undefined;
}

export interface CachedRepo {
  repoId: string;
  folder: string;
  /** Revision (branch, tag, refs/pr/N) → commit. */
  refs: Record<string, string>;
  /** Commits with a snapshot folder. */
  snapshots: string[];
  /** Bytes of the blobs (what removing the entry frees). */
  bytes: number;
  /** ISO 8601: the newest modification among the entry's blobs and snapshots. */
  modified: string;
}

function sizeAndTime(files: string[]): { bytes: number; mtime: number } {
  let bytes = 0;
  let mtime = 0;
  for (const file of files) {
    try {
      const stat = lstatSync(file);
      if (stat.isFile()) bytes += stat.size;
      mtime = Math.max(mtime, stat.mtimeMs);
    } catch {
      // removed meanwhile
    }
  }
  return { bytes, mtime };
}

function describeCachedRepo(cacheDir: string, repoId: string): CachedRepo | undefined {
  const cache = new RepoCache(cacheDir, repoId);
  if (!existsSync(cache.folder)) return undefined;
  const refs: Record<string, string> = {};
  for (const ref of listFiles(join(cache.folder, 'refs'))) {
    const commit = cache.readRef(ref);
    if (commit) refs[ref] = commit;
  }
  let snapshots: string[] = [];
  try {
    snapshots = readdirSync(join(cache.folder, 'snapshots')).sort();
  } catch {
    // no snapshot yet
  }
  const blobs = listFiles(join(cache.folder, 'blobs')).map((b) => join(cache.folder, 'blobs', b));
  const pointers = snapshots.flatMap((commit) => cache.snapshotFiles(commit).map((f) => cache.snapshotFile(commit, f)));
  const { bytes } = sizeAndTime([...blobs, ...pointers]);
  const { mtime } = sizeAndTime([...blobs, ...snapshots.map((c) => cache.snapshotDir(c))]);
  return { repoId, folder: cache.folder, refs, snapshots, bytes, modified: new Date(mtime || Date.now()).toISOString() };
}

/** Every model repository in the cache, by repo id. */
export function listHubCache(cacheDir: string): CachedRepo[] {
  let names: string[];
  try {
    names = readdirSync(cacheDir);
  } catch {
    return [];
  }
  return names
    .map(repoIdOfFolderName)
    .filter((id): id is string => id !== undefined)
    .sort((a, b) => a.localeCompare(b))
    .map((id) => describeCachedRepo(cacheDir, id)!)
    .filter(Boolean);
}

export interface Removal {
  /** What was deleted: the repo folder, or snapshot folders, refs and blobs. */
  removed: string[];
  bytes: number;
}

/**
 * Removes a repository from the cache, or one revision of it: that revision's snapshot, the refs
 * that point at it, and the blobs no other snapshot uses. Errors name what is not there.
 */
export function removeFromHubCache(cacheDir: string, repoId: string, revision?: string): Removal {
  const entry = describeCachedRepo(cacheDir, repoId);
  if (!entry) throw new Error(`${repoId} is not in the hub cache ${cacheDir}`);
  const cache = new RepoCache(cacheDir, repoId);
  if (revision === undefined) {
    rmSync(cache.folder, { recursive: true, force: true });
    rmSync(join(cacheDir, '.locks', repoFolderName(repoId)), { recursive: true, force: true });
    return { removed: [cache.folder], bytes: entry.bytes };
  }
  const commit = cache.cachedCommit(revision) ?? entry.snapshots.find((c) => revision.length >= 7 && c.startsWith(revision));
  if (!commit || !entry.snapshots.includes(commit)) {
    const known = [...Object.keys(entry.refs), ...entry.snapshots.map((c) => c.slice(0, 12))];
    throw new Error(`${repoId}@${revision} is not in the hub cache (cached: ${known.join(', ') || 'nothing'})`);
  }
  /** The blobs a snapshot's symlinks point at (copies point at none). */
  const blobsOf = (c: string): Set<string> => {
    const blobs = new Set<string>();
    for (const file of cache.snapshotFiles(c)) {
      const pointer = cache.snapshotFile(c, file);
      try {
        blobs.add(resolve(dirname(pointer), readlinkSync(pointer)));
      } catch {
        // a copy, not a link
      }
    }
    return blobs;
  };
  const doomed = blobsOf(commit);
  for (const other of entry.snapshots) if (other !== commit) for (const blob of blobsOf(other)) doomed.delete(blob);
  const removed: string[] = [];
  let bytes = 0;
  for (const blob of doomed) {
    try {
      bytes += statSync(blob).size;
      unlinkSync(blob);
      removed.push(blob);
    } catch {
      // already gone
    }
  }
  const snapshot = cache.snapshotDir(commit);
  rmSync(snapshot, { recursive: true, force: true });
  removed.push(snapshot);
  for (const [ref, target] of Object.entries(entry.refs)) {
    if (target !== commit) continue;
    unlinkSync(cache.refPath(ref));
    removed.push(cache.refPath(ref));
  }
  return { removed, bytes };
}
