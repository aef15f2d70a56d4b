/**
 * `@wb/workbench/data`: where a notebook finds the shared datasets and fixtures (`WB_SHARED_DIR`,
 * else `../shared` beside the repository root) and the models this repository ships (`models/`,
 * or `WB_MODELS_DIR`). This is the Node kernel's version (paths on disk); the browser kernel gives
 * the same names as URLs of the workbench server's file routes (`kernel/browser/browser-files.ts`).
 * The layout is the workbench's business: @wb/core is a library and takes paths.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The checkout this workbench belongs to: this file is apps/workbench/{src,dist}/data.{ts,js}. */
const checkoutRoot = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * The repository root: the nearest folder above `start` with a turbo.json, else the checkout
 * that this workbench belongs to (a notebook may run from a copy in a temporary folder).
 */
function repoRoot(start = process.cwd()): string {
  let dir = resolve(start);
  for (;;) {
    if (existsSync(join(dir, 'turbo.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return existsSync(join(checkoutRoot, 'turbo.json')) ? resolve(checkoutRoot) : resolve(start);
    dir = parent;
  }
}

/** The shared data folder. */
export function sharedDir(): string {
  return process.env.WB_SHARED_DIR ? resolve(process.env.WB_SHARED_DIR) : join(repoRoot(), '..', 'shared');
}

/** The folder of the models this repository ships. */
export function modelsDir(): string {
  return process.env.WB_MODELS_DIR ? resolve(process.env.WB_MODELS_DIR) : join(repoRoot(), 'models');
}

/** A path inside the shared folder, e.g. `sharedPath('fixtures', 'tiny-bert')`. */
export function sharedPath(...parts: string[]): string {
  return join(sharedDir(), ...parts);
}

/** A model shipped in the repository's `models/` folder, e.g. `shippedModelPath('bert-mini')`. */
export function shippedModelPath(name: string): string {
  const path = join(modelsDir(), name);
  if (!existsSync(path)) throw new Error(`${path}: no such shipped model (the repository's models/ folder has the ones that ship)`);
  return path;
}
