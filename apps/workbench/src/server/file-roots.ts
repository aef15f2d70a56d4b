/**
 * The folders that the browser kernel may read through the server (`files-api.ts`), by the name its
 * URLs use: `shared` (the shared data and fixtures) and `models` (the models the repository ships),
 * found as the Node kernel finds them (`../data.ts`), and `notebooks` (the folder `wb serve` serves,
 * for paths relative to a notebook).
 */
import { resolve } from 'node:path';
import { modelsDir, sharedDir } from '../data.js';

export type FileRoots = Record<'shared' | 'models' | 'notebooks', string>;

export function fileRoots(notebooksRoot: string): FileRoots {
  return { shared: sharedDir(), models: modelsDir(), notebooks: resolve(notebooksRoot) };
}
