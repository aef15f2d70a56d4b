/**
 * A notebook's run record (`metadata.wb.run`, written by `wb run` and the kernels) read back
 * checked: the file may have been edited by hand or by another tool, so every field the workbench
 * shows is checked for its type before it is used, and a malformed record is reported (where it is
 * wrong) instead of failing whatever reads it (the HTML export answered 500). Browser-safe.
 */
import type { JsonObject, RunRecord } from './types.js';

export type RunRecordReading = { run: RunRecord } | { problem: string } | { absent: true };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The run record of a notebook's metadata, checked. */
export function readRunRecord(metadata: JsonObject): RunRecordReading {
  const wb = metadata.wb;
  if (wb === undefined) return { absent: true };
  if (!isObject(wb)) return { problem: 'metadata.wb is not an object' };
  const run = wb.run;
  if (run === undefined || run === null) return { absent: true };
  if (!isObject(run)) return { problem: 'metadata.wb.run is not an object' };
  const problem = runProblem(run);
  return problem ? { problem: `metadata.wb.run.${problem}` } : { run: run as unknown as RunRecord };
}

function runProblem(run: Record<string, unknown>): string | undefined {
  for (const key of ['kernel', 'backend', 'started'] as const) if (typeof run[key] !== 'string') return `${key}: expected a string`;
  for (const key of ['finished', 'node'] as const) if (run[key] !== undefined && typeof run[key] !== 'string') return `${key}: expected a string`;
  if (!Array.isArray(run.seeds) || !run.seeds.every((s) => typeof s === 'number' && Number.isFinite(s))) return 'seeds: expected a list of numbers';
  if (run.params !== undefined && !isObject(run.params)) return 'params: expected an object';
  if (!isObject(run.packages) || !Object.values(run.packages).every((v) => typeof v === 'string')) return 'packages: expected an object of version strings';
  if (!isObject(run.files)) return 'files: expected an object';
  for (const [name, file] of Object.entries(run.files)) {
    if (!isObject(file) || typeof file.sha256 !== 'string' || typeof file.bytes !== 'number' || !Number.isFinite(file.bytes)) {
      return `files[${JSON.stringify(name)}]: expected { "sha256": string, "bytes": number }`;
    }
  }
  if (run.models !== undefined) {
    if (!Array.isArray(run.models) || !run.models.every((m) => isObject(m) && typeof m.repo === 'string' && typeof m.commit === 'string')) {
      return 'models: expected a list of { "repo": string, "commit": string }';
    }
  }
  return undefined;
}
