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
    list: (name = '') => readdirSync(path(name)),
    bytes: (name) => readFileSync(path(name)),
    text: (name) => readFileSync(path(name), 'utf8'),
    folder: (name) => diskFiles(path(name)),
  };
}
