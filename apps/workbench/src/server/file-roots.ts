/**
 * The folders that the browser kernel may read through the server (`files-api.ts`), by the name its
 * URLs use: `shared` (the shared data and fixtures: `WB_SHARED_DIR`, else `../shared` beside the
 * repository, as the Node kernel finds them), `models` (the models the repository ships) and
 * `notebooks` (the folder `wb serve` serves, for paths relative to a notebook).
 */
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository: this file is apps/workbench/{src,dist}/server/file-roots.{ts,js}. */
const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

export type FileRoots = Record<'shared' | 'models' | 'notebooks', string>;

export function fileRoots(notebooksRoot: string): FileRoots {
  return {
    shared: process.env.WB_SHARED_DIR ? resolve(process.env.WB_SHARED_DIR) : join(repoRoot, '..', 'shared'),
    models: join(repoRoot, 'models'),
    notebooks: resolve(notebooksRoot),
  };
}
