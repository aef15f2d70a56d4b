/**
 * Where the run history lives: `<notebooks folder>/.wb/runs.sqlite`, beside the notebooks it
 * describes (hidden from the notebook list, like `.ipynb_checkpoints/`).
 *
 * A notebook's runs go to the nearest `.wb/runs.sqlite` found from the notebook's own folder
 * upwards, so that `wb run sub/x.ipynb` lands in the same history that `wb serve` shows for the
 * folder above (the server creates its history when it starts); when there is none, a new one
 * is made in the notebook's folder. `WB_RUNS_DB` names another file instead.
 */
import { existsSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

export const RUNS_FOLDER = '.wb';
export const RUNS_FILE = 'runs.sqlite';

export interface RunsLocation {
  /** The SQLite file. */
  file: string;
  /** The folder that notebook paths are stored relative to. */
  base: string;
}

function at(file: string): RunsLocation {
  // `<base>/.wb/runs.sqlite`; a file named by WB_RUNS_DB elsewhere is relative to its own folder.
  const folder = dirname(file);
  return { file, base: basename(folder) === RUNS_FOLDER ? dirname(folder) : folder };
}

/** The history above `start` (inclusive), if there is one. */
export function findRunsDatabase(start: string, env: NodeJS.ProcessEnv = process.env): RunsLocation | undefined {
  if (env.WB_RUNS_DB) return at(resolve(env.WB_RUNS_DB));
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    const file = join(dir, RUNS_FOLDER, RUNS_FILE);
    if (existsSync(file)) return at(file);
    if (dirname(dir) === dir) return undefined;
  }
}

/** The history for notebooks in `folder`: the one found above it, else a new one in it. */
export function runsDatabaseFor(folder: string, env: NodeJS.ProcessEnv = process.env): RunsLocation {
  return findRunsDatabase(folder, env) ?? at(join(resolve(folder), RUNS_FOLDER, RUNS_FILE));
}

/** How a notebook is named in the history: relative to `base` with `/`, or absolute when outside it. */
export function notebookKey(location: RunsLocation, notebook: string): string {
  const rel = relative(location.base, resolve(notebook));
  const outside = rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel);
  return rel && !outside ? rel.split(sep).join('/') : resolve(notebook);
}
