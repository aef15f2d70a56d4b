/**
 * A lock file per blob (`.locks/models--org--name/{etag}.lock`, where huggingface_hub keeps its
 * own), so that two processes pulling the same model download each file once: the second waits,
 * then finds the blob in place.
 *
 * Node has no flock, so the lock is the file's existence. It is created whole (written aside,
 * then hard-linked into place, which fails when the name exists) and holds the owner's pid and
 * host. A lock whose owner is gone is broken: on this host when its pid is dead; elsewhere when
 * the owner stopped refreshing its modification time. An empty lock file is huggingface_hub's
 * (it locks with flock, which Node cannot see): it is treated as free once it is a few seconds old.
 */
import { hostname } from 'node:os';
import { linkSync, mkdirSync, readFileSync, renameSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { randomBytes } from 'node:crypto';

interface LockOptions {
  /** Told once, when the lock is held by someone else and the caller starts waiting. */
  onWait?: (owner: string) => void;
  /** How often to look again while waiting. */
  pollMs?: number;
  /** A lock not refreshed for this long is abandoned (owners refresh it every staleMs / 4). */
  staleMs?: number;
}

interface Owner {
  pid: number;
  host: string;
  token: string;
}

function readOwner(path: string): Owner | 'empty' | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  if (!text.trim()) return 'empty';
  try {
    return JSON.parse(text) as Owner;
  } catch {
    return 'empty';
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function isStale(path: string, staleMs: number): boolean {
  const owner = readOwner(path);
  if (owner === undefined) return false; // gone already: the next attempt takes it
  let age: number;
  try {
    age = Date.now() - statSync(path).mtimeMs;
  } catch {
    return false;
  }
  if (owner === 'empty') return age > 5000;
  if (owner.host === hostname() && owner.pid !== process.pid) return !processAlive(owner.pid);
  return age > staleMs;
}

/** Creates `path` holding `content`, failing with EEXIST when it exists (never half-written). */
function createExclusive(path: string, content: string): void {
  const aside = `${path}.${process.pid}-${randomBytes(4).toString('hex')}`;
  writeFileSync(aside, content);
  try {
    linkSync(aside, path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw e;
    // File systems without hard links: exclusive create, briefly empty (see isStale).
    writeFileSync(path, content, { flag: 'wx' });
  } finally {
    unlinkSync(aside);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `fn` holding the lock file `path`; the lock is released however `fn` ends. */
export async function withFileLock<T>(path: string, fn: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  const pollMs = options.pollMs ?? 100;
  const staleMs = options.staleMs ?? 30_000;
  mkdirSync(dirname(path), { recursive: true });
  const owner: Owner = { pid: process.pid, host: hostname(), token: randomBytes(8).toString('hex') };
  let told = false;
  for (;;) {
    try {
      createExclusive(path, JSON.stringify(owner));
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    if (isStale(path, staleMs)) {
      // Renaming first means that of several waiters only one removes this stale file.
      const aside = `${path}.stale-${owner.token}`;
      try {
        renameSync(path, aside);
        unlinkSync(aside);
      } catch {
        // another waiter broke it first
      }
      continue;
    }
    if (!told) {
      const current = readOwner(path);
      options.onWait?.(current && current !== 'empty' ? `process ${current.pid} on ${current.host}` : 'another process');
      told = true;
    }
    await sleep(pollMs);
  }
  const refresh = setInterval(() => {
    try {
      const now = new Date();
      utimesSync(path, now, now);
    } catch {
      // the lock was broken as stale; the download's own checks still hold
    }
  }, staleMs / 4);
  refresh.unref();
  try {
    return await fn();
  } finally {
    clearInterval(refresh);
    const current = readOwner(path);
    if (current && current !== 'empty' && current.token === owner.token) {
      try {
        unlinkSync(path);
      } catch {
        // already removed
      }
    }
  }
}
