/**
 * Runs side by side: every parameter, final metric, seed, version, input hash and hub model commit of a few
 * runs as one row per field, each row marked when the runs disagree on it. Pure and free of
 * Node imports: the compare page in the browser and `wb runs` both use it.
 */
import type { JsonValue } from '../notebook/types.js';
import type { RunSummary } from './types.js';

export type FieldGroup = 'run' | 'param' | 'metric' | 'version' | 'input' | 'model';

export interface ComparedField {
  group: FieldGroup;
  key: string;
  /** One per run, in the runs' order, as text; undefined where a run has no such field. */
  values: Array<string | undefined>;
  /** The runs disagree (a field that some runs lack differs too). */
  differs: boolean;
}

/** A number as people read it in a table: integers as they are, others to 4 significant digits. */
export function formatNumber(n: number): string {
  if (Number.isInteger(n)) return String(n);
  const text = Math.abs(n) >= 1e-3 && Math.abs(n) < 1e6 ? n.toPrecision(4) : n.toExponential(3);
  // 0.1000 → 0.1, 1.500e-5 → 1.5e-5
  return text.replace(/\.?0+(?=e|$)/, '');
}

export function formatValue(value: JsonValue | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return formatNumber(value);
  return JSON.stringify(value);
}

/** The union of the keys that some runs have, sorted. */
export function keysOf<T>(runs: RunSummary[], pick: (run: RunSummary) => Record<string, T>): string[] {
  return [...new Set(runs.flatMap((r) => Object.keys(pick(r))))].sort((a, b) => a.localeCompare(b));
}

export function compareRuns(runs: RunSummary[]): ComparedField[] {
  const fields: ComparedField[] = [];
  const add = (group: FieldGroup, key: string, raw: Array<JsonValue | undefined>, shown: Array<string | undefined> = raw.map(formatValue)) => {
    // Compared as JSON: exact, and `1` differs from `"1"`.
    const exact = new Set(raw.map((v) => (v === undefined ? '\u0000missing' : JSON.stringify(v))));
    fields.push({ group, key, values: shown, differs: exact.size > 1 });
  };
  add('run', 'notebook', runs.map((r) => r.notebook));
  add('run', 'status', runs.map((r) => r.status));
  add('run', 'backend', runs.map((r) => r.backend ?? undefined));
  add('run', 'seeds', runs.map((r) => r.seeds), runs.map((r) => (r.seeds.length ? r.seeds.join(', ') : 'none')));
  for (const key of keysOf(runs, (r) => r.params)) add('param', key, runs.map((r) => r.params[key]));
  for (const key of keysOf(runs, (r) => r.metrics)) add('metric', key, runs.map((r) => r.metrics[key]?.value));
  for (const key of keysOf(runs, (r) => r.versions)) add('version', key, runs.map((r) => r.versions[key]));
  for (const key of keysOf(runs, (r) => r.inputs)) {
    // The hash is what tells two inputs apart; 12 hex digits are plenty to read.
    add('input', key, runs.map((r) => r.inputs[key]?.sha256), runs.map((r) => r.inputs[key]?.sha256.slice(0, 12)));
  }
  // A hub model by repo id: the commits each run read (usually one).
  const commits = (run: RunSummary, repo: string) => (run.models ?? []).filter((m) => m.repo === repo).map((m) => m.commit);
  for (const repo of [...new Set(runs.flatMap((r) => (r.models ?? []).map((m) => m.repo)))].sort()) {
    const raw = runs.map((r) => (commits(r, repo).length ? commits(r, repo).join(' ') : undefined));
    add('model', repo, raw, raw.map((v) => v?.split(' ').map((c) => c.slice(0, 12)).join(' ')));
  }
  return fields;
}
