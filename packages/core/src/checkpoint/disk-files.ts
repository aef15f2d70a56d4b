/** A model folder on disk (Node), as the folder loaders read it (see `model-files.ts`). */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelFiles } from './model-files.js';

export function diskFiles(dir: string): ModelFiles {
  const path = (name: string) => (name ? join(dir, name) : dir);
  return {
    location: dir,
    path,
    kind(name) {
      try {
        return statSync(path(name)).isDirectory() ? 'folder' : 'file';
      } catch {
        return undefined;
      }
    },
    list: (name = '') => named(path(name), () => readdirSync(path(name))),
    bytes: (name) => named(path(name), () => readFileSync(path(name))),
    text: (name) => named(path(name), () => readFileSync(path(name), 'utf8')),
    folder: (name) => diskFiles(path(name)),
  };
}

/** Runs a read; its error names the path (Node's EISDIR on a read does not). */
function named<T>(path: string, read: () => T): T {
  try {
    return read();
  } catch (e) {
    const error = e as NodeJS.ErrnoException;
    const why = error.code === 'EISDIR' ? 'is a folder, expected a file' : error.code === 'ENOENT' ? 'does not exist' : error.code === 'ENOTDIR' ? 'is not a folder' : error.message;
    throw new Error(`${path}: ${why}`, { cause: e });
  }
}
