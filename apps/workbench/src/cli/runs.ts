/**
 * `wb runs`: the run history as a table (or JSON), newest first, with each run's parameters
 * and final metrics; `--compare A,B` lists the fields two or more runs disagree on.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { defaultNotebooksDir } from '../server/notebooks-dir.js';
import { compareRuns, formatNumber, formatValue } from '../runs/compare.js';
import { findRunsDatabase, notebookKey, type RunsLocation } from '../runs/location.js';
import { RunStore } from '../runs/store.js';
import type { RunSummary } from '../runs/types.js';
import { getSweep } from '../runs/sweeps.js';
import { sweepGoal, sweepTable } from '../runs/sweep-table.js';
import { textTable } from './text-table.js';

export interface RunsCommandOptions {
  notebook?: string;
  dir?: string;
  json?: boolean;
  limit?: number;
  compare?: number[];
  /** The runs of this sweep. */
  sweep?: string;
}

/** The history to read: beside `--notebook`, else from `--dir` (or here) upwards, else the repository's notebooks/. */
function locate(options: RunsCommandOptions): RunsLocation | undefined {
  if (options.notebook) return findRunsDatabase(dirname(resolve(options.notebook)));
  if (options.dir) return findRunsDatabase(resolve(options.dir));
  return findRunsDatabase(process.cwd()) ?? findRunsDatabase(defaultNotebooksDir());
}

function duration(run: RunSummary): string {
  if (!run.finished) return '';
  const seconds = (Date.parse(run.finished) - Date.parse(run.started)) / 1000;
  return seconds < 60 ? `${seconds.toFixed(1)}s` : `${Math.floor(seconds / 60)}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
}

function listing(runs: RunSummary[]): string {
  const rows = runs.map((r) => [
    String(r.id),
    r.status,
    r.started.replace('T', ' ').slice(0, 19),
    duration(r),
    r.notebook,
    Object.entries(r.params).map(([k, v]) => `${k}=${formatValue(v)}`).join(' '),
    Object.entries(r.metrics).map(([k, m]) => `${k}=${formatNumber(m.value)}`).join(' '),
  ]);
  return textTable([['ID', 'STATUS', 'STARTED (UTC)', 'TIME', 'NOTEBOOK', 'PARAMS', 'FINAL METRICS'], ...rows]);
}

function comparison(runs: RunSummary[], json: boolean): string {
  const fields = compareRuns(runs).filter((f) => f.differs);
  if (json) return JSON.stringify({ runs: runs.map((r) => r.id), differences: fields }, null, 2) + '\n';
  if (fields.length === 0) return `runs ${runs.map((r) => r.id).join(', ')} do not differ\n`;
  return textTable([['FIELD', ...runs.map((r) => `RUN ${r.id}`)], ...fields.map((f) => [`${f.group === 'run' ? '' : `${f.group}.`}${f.key}`, ...f.values.map((v) => v ?? '—')])]);
}

/** Returns the exit code. */
export function runsCommand(options: RunsCommandOptions): number {
  const location = locate(options);
  if (!location || !existsSync(location.file)) {
    if (options.json) process.stdout.write(options.compare ? '{"runs": [], "differences": []}\n' : '[]\n');
    const where = location?.file ?? `.wb/runs.sqlite (from ${options.notebook ? dirname(resolve(options.notebook)) : resolve(options.dir ?? '.')} upwards)`;
    process.stderr.write(`wb runs: no run history at ${where}; \`wb run NOTEBOOK\` records one\n`);
    return options.compare ? 1 : 0;
  }
  const store = RunStore.open(location.file);
  try {
    if (options.compare) {
      if (options.compare.length < 2) throw new Error('--compare needs at least two run ids, e.g. --compare 3,5');
      const runs = options.compare.map((id) => {
        const run = store.get(id);
        if (!run) throw new Error(`no run ${id} in ${location.file}`);
        return run;
      });
      process.stdout.write(comparison(runs, !!options.json));
      return 0;
    }
    if (options.sweep) {
      const found = getSweep(store, options.sweep);
      if (!found) throw new Error(`no sweep ${options.sweep} in ${location.file}`);
      if (options.json) process.stdout.write(JSON.stringify(found, null, 2) + '\n');
      else process.stdout.write(`sweep ${found.sweep.id} (${found.sweep.status}, ${found.runs.length}/${found.sweep.points} points)\n` + sweepTable(found.runs, found.sweep.metric, sweepGoal(found.sweep.spec)));
      return 0;
    }
    const runs = store.list({ notebook: options.notebook ? notebookKey(location, options.notebook) : undefined, limit: options.limit });
    if (options.json) process.stdout.write(JSON.stringify(runs, null, 2) + '\n');
    else if (runs.length === 0) process.stderr.write(`wb runs: no runs${options.notebook ? ` of ${options.notebook}` : ''} in ${location.file}\n`);
    else process.stdout.write(listing(runs));
    return 0;
  } finally {
    store.close();
  }
}
