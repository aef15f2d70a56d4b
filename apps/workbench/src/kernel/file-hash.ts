/**
 * sha256 of files, as run records keep them: read in 1 MiB pieces (models are large) and cached by
 * size and modification time, so a notebook that reads the same model in every run, or a server
 * that serves it many times, hashes it once.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';

export interface FileHash {
  sha256: string;
  bytes: number;
}

export class FileHasher {
  private readonly cache = new Map<string, FileHash & { key: string }>();

  /** The file's hash, or undefined when it is not a readable regular file. */
  hash(file: string): FileHash | undefined {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(file);
    } catch {
      return undefined;
    }
    if (!stat.isFile()) return undefined;
    const key = `${stat.size}:${stat.mtimeMs}`;
    const cached = this.cache.get(file);
    if (cached?.key === key) return { sha256: cached.sha256, bytes: cached.bytes };
    const hash = createHash('sha256');
    const fd = fs.openSync(file, 'r');
    try {
      const buffer = Buffer.allocUnsafe(1 << 20);
      let n: number;
      while ((n = fs.readSync(fd, buffer, 0, buffer.length, null)) > 0) hash.update(buffer.subarray(0, n));
    } finally {
      fs.closeSync(fd);
    }
    const entry = { key, sha256: hash.digest('hex'), bytes: stat.size };
    this.cache.set(file, entry);
    return { sha256: entry.sha256, bytes: entry.bytes };
  }
}
