/**
 * Metric against step for the selected runs, one Plot per metric, one line per run. Observable
 * Plot is loaded on demand (a separate chunk) so that the notebook pages do not carry it.
 */
import type { RunDetail } from '../runs/types.js';

export async function metricCharts(runs: RunDetail[]): Promise<HTMLElement> {
  const Plot = await import('@observablehq/plot');
  const box = document.createElement('div');
  box.className = 'wb-run-charts';
  const names = [...new Set(runs.flatMap((r) => Object.keys(r.series)))].sort((a, b) => a.localeCompare(b));
  if (names.length === 0) {
    const p = document.createElement('p');
    p.className = 'wb-muted';
    p.textContent = 'These runs logged no metrics. Call logMetric(name, value, step?) in a cell to record some.';
    box.append(p);
    return box;
  }
  for (const name of names) {
    const rows = runs.flatMap((r) => (r.series[name] ?? []).map(({ step, value }) => ({ run: `run ${r.id}`, step, value })));
    const steps = rows.map((r) => r.step);
    const [first, last] = [Math.min(...steps), Math.max(...steps)];
    const chart = Plot.plot({
      title: name,
      width: 560,
      height: 260,
      grid: true,
      // Steps are whole numbers: over a short range, tick each one rather than 0.5, 1.5, ...
      x: { label: 'step', ...(last - first <= 10 ? { ticks: Array.from({ length: last - first + 1 }, (_, i) => first + i), tickFormat: 'd' } : {}) },
      y: { label: name },
      // Runs in a fixed order, so that each keeps its colour as the selection changes.
      color: { legend: true, domain: runs.map((r) => `run ${r.id}`) },
      marks: [
        // z: one line per run, said outright (Plot guesses, and warns, when runs have few points).
        Plot.lineY(rows, { x: 'step', y: 'value', stroke: 'run', z: 'run' }),
        // Dots too: a metric logged once (a final accuracy) has no line to draw.
        Plot.dot(rows, { x: 'step', y: 'value', fill: 'run', r: 2.5, tip: true }),
      ],
    });
    chart.classList.add('wb-run-chart');
    box.append(chart);
  }
  return box;
}
