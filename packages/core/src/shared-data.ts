/**
 * Where the shared datasets and fixtures live: `WB_SHARED_DIR`, else `../shared` beside the
 * repository root. Node only.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

function repoRoot(start = process.cwd()): string {
  let dir = resolve(start);
  for (;;) {
    if (existsSync(join(dir, 'turbo.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return resolve(start);
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
