/** Where `wb serve` and `wb runs` look for notebooks when not told: kept apart from the server, which the CLI loads only to serve. */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The repository's `notebooks/` (found from the current folder upwards), else `./notebooks`. */
export function defaultNotebooksDir(start = process.cwd()): string {
  let dir = resolve(start);
  for (;;) {
    if (existsSync(join(dir, 'turbo.json')) || existsSync(join(dir, '.git'))) return join(dir, 'notebooks');
    const parent = dirname(dir);
    if (parent === dir) return join(resolve(start), 'notebooks');
    dir = parent;
  }
}
