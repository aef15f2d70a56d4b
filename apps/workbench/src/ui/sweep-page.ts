/**
 * `/runs?sweep=ID`: one sweep (`wb sweep`) as a group: a table of its points — parameters, the
 * sweep's metric and the other final metrics, where each ran — sorted by any column with a click
 * on its heading (best metric first to begin with), and the sweep's metric plotted against a
 * parameter chosen below it.
 */
import { formatNumber, formatValue, keysOf } from '../runs/compare.js';
import { sweepGoal } from '../runs/sweep-table.js';
import type { SweepPointRun } from '../runs/sweep-types.js';
import type { JsonValue } from '../notebook/types.js';
import { api } from './api.js';

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className = '', text = ''): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text) node.textContent = text;
  return node;
}

interface Column {
  key: string;
  label: string;
  value: (run: SweepPointRun) => JsonValue | undefined;
  text: (run: SweepPointRun) => string;
}

/** Numbers before strings, missing values last, whichever the direction. */
function compareValues(a: JsonValue | undefined, b: JsonValue | undefined): number {
  if (a === undefined || a === null) return b === undefined || b === null ? 0 : 1;
  if (b === undefined || b === null) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b));
}

export async function sweepPage(id: string): Promise<HTMLElement> {
  const { sweep, runs } = await api.sweep(id);
  const goal = sweepGoal(sweep.spec);
  const params = keysOf(runs, (r) => r.params);
  const metrics = keysOf(runs, (r) => r.metrics);
  const metricOf = (name: string) => (r: SweepPointRun) => r.metrics[name]?.value;
  const columns: Column[] = [
    { key: 'point', label: 'point', value: (r) => r.point, text: (r) => String(r.point) },
    { key: 'run', label: 'run', value: (r) => r.id, text: (r) => String(r.id) },
    { key: 'status', label: 'status', value: (r) => r.status, text: (r) => r.status },
    ...params.map((p) => ({ key: `param.${p}`, label: p, value: (r: SweepPointRun) => r.params[p], text: (r: SweepPointRun) => (p in r.params ? (formatValue(r.params[p]) ?? '—') : '—') })),
    ...metrics.map((m) => ({ key: `metric.${m}`, label: m, value: metricOf(m), text: (r: SweepPointRun) => (r.metrics[m] ? formatNumber(r.metrics[m].value) : '—') })),
    { key: 'worker', label: 'worker', value: (r) => r.worker, text: (r) => r.worker ?? '' },
    { key: 'attempts', label: 'attempts', value: (r) => r.attempts, text: (r) => String(r.attempts) },
  ];
  let sortKey = `metric.${sweep.metric}`;
  let descending = goal === 'max';

  const page = el('div', 'wb-page wb-runs wb-sweep');
  const header = el('header', 'wb-header');
  const logo = el('a', 'wb-logo', 'wb');
  logo.href = '/';
  const title = el('div', 'wb-title');
  title.append(el('span', 'wb-heading', `Sweep ${sweep.id}`), el('span', 'wb-root', `${sweep.status} · ${runs.length} of ${sweep.points} points · ${sweep.metric} (${goal === 'max' ? 'higher' : 'lower'} is better)`));
  const back = el('a', 'wb-link', 'All runs');
  back.href = '/runs';
  header.append(logo, title, back);
  const main = el('main', 'wb-runs-main');
  const tableBox = el('div', 'wb-runs-table-box');
  const chartBox = el('section', 'wb-sweep-chart');
  main.append(tableBox, chartBox);
  page.append(header, main);

  const renderTable = () => {
    const column = columns.find((c) => c.key === sortKey) ?? columns[0];
    const sorted = [...runs].sort((a, b) => {
      const order = compareValues(column.value(a), column.value(b));
      const missing = column.value(a) === undefined || column.value(b) === undefined;
      return (descending && !missing ? -order : order) || a.point - b.point;
    });
    const table = el('table', 'wb-table wb-runs-table wb-sweep-table');
    const head = table.createTHead().insertRow();
    for (const c of columns) {
      const th = el('th', 'wb-sortable', c.label);
      th.dataset.sort = c.key;
      if (c.key === sortKey) th.setAttribute('aria-sort', descending ? 'descending' : 'ascending');
      th.addEventListener('click', () => {
        descending = c.key === sortKey ? !descending : false;
        sortKey = c.key;
        renderTable();
      });
      head.append(th);
    }
    const body = table.createTBody();
    for (const run of sorted) {
      const tr = body.insertRow();
      tr.dataset.point = String(run.point);
      for (const c of columns) {
        const td = tr.insertCell();
        td.textContent = c.text(run);
        if (c.key === 'status' && run.error) td.title = run.error;
      }
    }
    tableBox.replaceChildren(table);
  };

  const renderChart = async (param: string) => {
    const Plot = await import('@observablehq/plot');
    const rows = runs
      .filter((r) => r.metrics[sweep.metric] && param in r.params)
      .map((r) => ({ x: r.params[param] as number | string, y: r.metrics[sweep.metric].value, point: `point ${r.point}` }));
    const numeric = rows.every((r) => typeof r.x === 'number');
    const positive = numeric && rows.every((r) => (r.x as number) > 0);
    const spread = positive && rows.length > 0 ? Math.max(...rows.map((r) => r.x as number)) / Math.min(...rows.map((r) => r.x as number)) : 1;
    const chart = Plot.plot({
      title: `${sweep.metric} against ${param}`,
      width: 560,
      height: 280,
      grid: true,
      // Learning rates and the like span decades: a log axis when the values do.
      x: { label: param, ...(numeric ? { type: spread >= 100 ? 'log' : 'linear' } : { type: 'point' }) },
      y: { label: sweep.metric },
      marks: [Plot.dot(rows, { x: 'x', y: 'y', r: 4, fill: 'currentColor', tip: true, title: 'point' })],
    });
    chart.classList.add('wb-run-chart');
    chart.dataset.param = param;
    chartBox.querySelector('.wb-run-chart')?.remove();
    chartBox.append(chart);
  };

  if (params.length > 0) {
    const label = el('label', 'wb-sweep-param', `${sweep.metric} against `);
    const select = el('select', 'wb-sweep-param-select');
    for (const p of params) {
      const option = el('option', '', p);
      option.value = p;
      select.append(option);
    }
    select.addEventListener('change', () => void renderChart(select.value));
    label.append(select);
    chartBox.append(label);
    await renderChart(params[0]);
  }
  renderTable();
  return page;
}
