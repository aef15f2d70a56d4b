/**
 * One blob into the cache: received into `{blob}.incomplete`, resumed from where it stopped with
 * a `Range` request (after a dropped connection, and in a later process), checked (size; an LFS
 * file's sha256 too) and only then renamed into `blobs/`. A blob that fails its check is deleted,
 * so nothing wrong is ever served from the cache.
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { hubError, hubFetch, HubUnreachableError, type HubTarget } from './http.js';
import type { ProgressTracker } from './progress.js';
import type { HubSettings } from './settings.js';

interface BlobRequest {
  settings: HubSettings;
  /** Where the bytes are: the CDN location a resolve URL redirected to, or the resolve URL. */
  url: string;
  target: HubTarget & { file: string };
  blobPath: string;
  /** Expected size in bytes, when the hub said. */
  size?: number;
  /** An LFS file's sha256 (its X-Linked-Etag), checked before the blob enters the cache. */
  sha256?: string;
  progress: ProgressTracker;
  /** Tries in all when the connection drops (each resumes where the last stopped). */
  attempts?: number;
  /** Seconds without a byte before a try is abandoned. */
  stallSeconds?: number;
}

function incompleteSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

async function hashFile(path: string, hash: Hash): Promise<void> {
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
}

async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  await hashFile(path, hash);
  return hash.digest('hex');
}

/** `bytes 100-199/200` → 100; undefined when absent or unreadable. */
function rangeStart(contentRange: string | null): number | undefined {
  const match = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(contentRange ?? '');
  return match ? Number(match[1]) : undefined;
}

class Interrupted extends Error {}

/**
 * One try: continues `incomplete` from its `offset` bytes when the server can (206), else starts
 * it again. Returns the file's size and the sha256 of all of it; throws Interrupted when the
 * connection dropped or stalled. `counted` is what this try added to the progress, so that a
 * failed try can take it back.
 */
async function receive(
  request: BlobRequest,
  incomplete: string,
  offset: number,
  counted: { bytes: number },
): Promise<{ written: number; sha256: string }> {
  const { settings, url, target, progress } = request;
  const controller = new AbortController();
  const stallMs = (request.stallSeconds ?? 60) * 1000;
  let stall = setTimeout(() => controller.abort(), stallMs);
  let response: Response;
  try {
    response = await hubFetch(settings, url, {
      headers: offset > 0 ? { range: `bytes=${offset}-` } : {},
      signal: controller.signal,
    });
  } catch (e) {
    clearTimeout(stall);
    if (e instanceof HubUnreachableError || controller.signal.aborted) throw new Interrupted((e as Error).message);
    throw e;
  }
  if (response.status === 416) {
    // The partial file is not a prefix the server can continue: the next try starts again.
    clearTimeout(stall);
    await response.body?.cancel();
    rmSync(incomplete, { force: true });
    throw new Interrupted(`the server could not continue the partial download at byte ${offset}`);
  }
  if (!response.ok) {
    clearTimeout(stall);
    throw hubError(response, settings, target);
  }
  // A 200 to a Range request is the whole file: start again.
  const start = response.status === 206 && rangeStart(response.headers.get('content-range')) === offset ? offset : 0;
  const hash = createHash('sha256');
  if (start > 0) {
    await hashFile(incomplete, hash);
    progress.resumed(target.file, start);
    counted.bytes += start;
  }
  const file = await open(incomplete, start === 0 ? 'w' : 'a');
  let written = start;
  try {
    if (!response.body) throw new Interrupted('an empty answer');
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      clearTimeout(stall);
      stall = setTimeout(() => controller.abort(), stallMs);
      hash.update(chunk);
      await file.write(chunk);
      written += chunk.length;
      progress.add(target.file, chunk.length);
      counted.bytes += chunk.length;
    }
  } catch (e) {
    if (e instanceof Interrupted) throw e;
    const cause = (e as Error).cause as Error | undefined;
    throw new Interrupted(controller.signal.aborted ? `no data for ${stallMs / 1000} s` : (cause?.message ?? (e as Error).message));
  } finally {
    clearTimeout(stall);
    await file.close();
  }
  return { written, sha256: hash.digest('hex') };
}

/** Downloads the blob unless it is already in place. Call it holding the blob's lock. */
export async function downloadBlob(request: BlobRequest): Promise<void> {
  const { blobPath, target, progress, size, sha256 } = request;
  if (existsSync(blobPath)) return;
  mkdirSync(dirname(blobPath), { recursive: true });
  const incomplete = `${blobPath}.incomplete`;
  const attempts = request.attempts ?? 5;
  let lastError = '';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    let offset = incompleteSize(incomplete);
    if (size !== undefined && offset >= size) {
      // Received whole by a process that stopped before checking it: check it now.
      if (offset === size && (!sha256 || (await sha256OfFile(incomplete)) === sha256)) {
        renameSync(incomplete, blobPath);
        return;
      }
      rmSync(incomplete, { force: true });
      offset = 0;
    }
    if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, 250 * attempt));
    const counted = { bytes: 0 };
    let received: { written: number; sha256: string };
    try {
      received = await receive(request, incomplete, offset, counted);
    } catch (e) {
      progress.discard(counted.bytes);
      if (!(e instanceof Interrupted)) throw e;
      lastError = e.message;
      continue;
    }
    const where = `${target.repoId}@${target.revision}: ${target.file}`;
    if (size !== undefined && received.written !== size) {
      rmSync(incomplete, { force: true });
      throw new Error(`${where}: received ${received.written} bytes but the hub announced ${size}; the download was discarded`);
    }
    if (sha256 && received.sha256 !== sha256) {
      rmSync(incomplete, { force: true });
      throw new Error(`${where}: the download's sha256 is ${received.sha256} but the hub says ${sha256}; the file was discarded and nothing was saved`);
    }
    renameSync(incomplete, blobPath);
    return;
  }
  const have = incompleteSize(incomplete);
  throw new Error(
    `${target.repoId}@${target.revision}: ${target.file}: the download was interrupted ${attempts} times (${lastError}); ` +
      `${have} of ${size ?? '?'} bytes are kept in ${incomplete}: run the same command again to resume`,
  );
}
