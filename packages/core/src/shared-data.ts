/**
 * Where things live on disk (Node only): the shared datasets and fixtures (`WB_SHARED_DIR`, else
 * `../shared` beside the repository root) and the models this repository ships (`models/`).
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** This checkout's root: @wb/core sits at <root>/packages/core/dist (or src) inside it. */
const packageRepoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * The repository root: the nearest folder above `start` with a turbo.json, else the checkout
 * that this @wb/core belongs to (a notebook may run from a copy in a temporary folder).
 */
export function repoRoot(start = process.cwd()): string {
  let dir = resolve(start);
  for (;;) {
    if (existsSync(join(dir, 'turbo.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return existsSync(join(packageRepoRoot, 'turbo.json')) ? resolve(packageRepoRoot) : resolve(start);
    dir = parent;
  }
}

export function sharedDir(): string {
  return process.env.WB_SHARED_DIR ? resolve(process.env.WB_SHARED_DIR) : join(repoRoot(), '..', 'shared');
}

/** A path inside the shared folder, e.g. `sharedPath('fixtures', 'tiny-bert')`. */
export function sharedPath(...parts: string[]): string {
  return join(sharedDir(), ...parts);
}

/** A model shipped in the repository's `models/` folder, e.g. `shippedModelPath('bert-mini')`. */
export function shippedModelPath(name: string): string {
  const path = join(process.env.WB_MODELS_DIR ? resolve(process.env.WB_MODELS_DIR) : join(repoRoot(), 'models'), name);
  if (!existsSync(path)) throw new Error(`${path}: no such shipped model (the repository's models/ folder has the ones that ship)`);
  return path;
}
