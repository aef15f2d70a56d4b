/** A sweep's runs as a text table (`wb sweep`, `wb runs --sweep ID`). */
import { formatNumber, formatValue } from './compare.js';
import type { JsonValue } from '../notebook/types.js';
import type { SweepPointRun } from './sweep-types.js';

/** The spec's `goal` (max unless it says min). */
export const sweepGoal = (spec: JsonValue): 'max' | 'min' => ((spec as { goal?: unknown } | null)?.goal === 'min' ? 'min' : 'max');

/** The results as a table, best metric first (runs without it last). */
export function sweepTable(runs: SweepPointRun[], metric: string, goal: 'max' | 'min' = 'max'): string {
  const score = (r: SweepPointRun) => {
    const value = r.metrics[metric]?.value;
    return value === undefined ? -Infinity : goal === 'max' ? value : -value;
  };
  const names = [...new Set(runs.flatMap((r) => Object.keys(r.params)))];
  const sorted = [...runs].sort((a, b) => score(b) - score(a) || a.point - b.point);
  const rows = sorted.map((r) => [
    String(r.point),
    String(r.id),
    r.status,
    ...names.map((n) => (n in r.params ? formatValue(r.params[n]) : '')),
    r.metrics[metric] ? formatNumber(r.metrics[metric].value) : '—',
    r.worker ?? '',
    r.error ?? '',
  ]);
  const all = [['POINT', 'RUN', 'STATUS', ...names.map((n) => n.toUpperCase()), metric.toUpperCase(), 'WORKER', 'ERROR'], ...rows];
  const widths = all[0].map((_, c) => Math.max(...all.map((r) => r[c]!.length)));
  return all.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell! : cell!.padEnd(widths[c]!))).join('  ').trimEnd()).join('\n') + '\n';
}
