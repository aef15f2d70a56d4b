/**
 * `/runs`: the run history that `wb run` records. A table of runs, newest first, with their
 * parameters and final metrics side by side; select two or more to see the fields they differ
 * in highlighted (in the table and in a comparison below it) and their metrics plotted
 * against the step.
 */
import { compareRuns, formatNumber, formatValue, keysOf } from '../runs/compare.js';
import type { RunDetail, RunSummary } from '../runs/types.js';
import { api } from './api.js';
import { metricCharts } from './run-charts.js';
import { comparisonTable } from './run-comparison.js';

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className = '', text = ''): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text) node.textContent = text;
  return node;
}

function duration(run: RunSummary): string {
  if (!run.finished) return '';
  const seconds = (Date.parse(run.finished) - Date.parse(run.started)) / 1000;
  return seconds < 60 ? `${seconds.toFixed(1)} s` : `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
}

const notebookHref = (path: string) => `/notebooks/${path.split('/').map(encodeURIComponent).join('/')}`;

export async function runsPage(): Promise<HTMLElement> {
  const [{ file, runs }, { sweeps }] = await Promise.all([api.runs(), api.sweeps().catch(() => ({ sweeps: [] }))]);
  const selected = new Set<number>();
  const details = new Map<number, Promise<RunDetail>>();
  let notebook = '';
  let onlyDifferences = true;
  let rendering = 0;

  const page = el('div', 'wb-page wb-runs');
  const header = el('header', 'wb-header');
  const logo = el('a', 'wb-logo', 'wb');
  logo.href = '/';
  logo.title = 'All notebooks';
  const title = el('div', 'wb-title');
  title.append(el('span', 'wb-heading', 'Runs'), el('span', 'wb-root', file));
  const back = el('a', 'wb-link', 'Notebooks');
  back.href = '/';
  header.append(logo, title, back);

  const main = el('main', 'wb-runs-main');
  const toolbar = el('div', 'wb-runs-toolbar');
  const filter = el('select', 'wb-runs-filter');
  filter.title = 'Show the runs of one notebook';
  for (const value of ['', ...new Set(runs.map((r) => r.notebook))]) {
    const option = el('option', '', value || 'All notebooks');
    option.value = value;
    filter.append(option);
  }
  const hint = el('span', 'wb-muted');
  const clear = el('button', 'wb-button', 'Clear selection');
  toolbar.append(filter, hint, clear);
  // Each sweep (`wb sweep`) has its own view: its points as one table, the metric against a parameter.
  if (sweeps.length > 0) {
    const links = el('nav', 'wb-sweep-links', 'Sweeps: ');
    for (const sweep of sweeps) {
      const a = el('a', '', sweep.id);
      a.href = `/runs?sweep=${encodeURIComponent(sweep.id)}`;
      a.title = `${sweep.points} points, ${sweep.metric}, ${sweep.status}`;
      links.append(a, ' ');
    }
    toolbar.append(links);
  }
  const tableBox = el('div', 'wb-runs-table-box');
  const compare = el('section', 'wb-compare');
  main.append(toolbar, tableBox, compare);
  page.append(header, main);

  if (runs.length === 0) {
    const empty = el('p', 'wb-empty');
    empty.append('No runs yet. ', el('code', '', 'wb run NOTEBOOK.ipynb'), ' records each run here, with the metrics its cells log with ', el('code', '', 'logMetric(name, value, step?)'), '.');
    main.replaceChildren(empty);
    return page;
  }

  const render = () => {
    const shown = runs.filter((r) => !notebook || r.notebook === notebook);
    const chosen = runs.filter((r) => selected.has(r.id));
    // The fields the selected runs differ in, to highlight in the table too.
    const differing = new Set(chosen.length >= 2 ? compareRuns(chosen).filter((f) => f.differs).map((f) => `${f.group}.${f.key}`) : []);
    tableBox.replaceChildren(runsTable(shown, selected, differing, toggle));
    hint.textContent = chosen.length >= 2 ? `${chosen.length} runs selected` : 'Select two or more runs to compare them.';
    clear.hidden = chosen.length === 0;
    void renderComparison(chosen);
  };

  const renderComparison = async (chosen: RunSummary[]) => {
    const token = ++rendering;
    if (chosen.length < 2) {
      compare.replaceChildren();
      return;
    }
    const heading = el('h2', '', `Comparing runs ${chosen.map((r) => r.id).join(', ')}`);
    const only = el('label', 'wb-only-diff');
    const box = el('input');
    box.type = 'checkbox';
    box.checked = onlyDifferences;
    box.addEventListener('change', () => {
      onlyDifferences = box.checked;
      render();
    });
    only.append(box, ' only the differences');
    const charts = el('div', 'wb-muted', 'Loading the metrics…');
    compare.replaceChildren(heading, only, comparisonTable(chosen, onlyDifferences), el('h3', '', 'Metrics by step'), charts);
    try {
      const full = await Promise.all(chosen.map((r) => (details.get(r.id) ?? details.set(r.id, api.run(r.id)).get(r.id))!));
      const drawn = await metricCharts(full);
      if (token === rendering) charts.replaceWith(drawn);
    } catch (e) {
      for (const r of chosen) details.delete(r.id);
      if (token === rendering) charts.textContent = `Could not load the metrics: ${(e as Error).message}`;
    }
  };

  const toggle = (id: number) => {
    if (selected.has(id)) selected.delete(id);
    else selected.add(id);
    render();
  };
  filter.addEventListener('change', () => {
    notebook = filter.value;
    render();
  });
  clear.addEventListener('click', () => {
    selected.clear();
    render();
  });
  render();
  return page;
}

/** The runs with a checkbox each, then one column per parameter and per final metric. */
function runsTable(runs: RunSummary[], selected: Set<number>, differing: Set<string>, toggle: (id: number) => void): HTMLTableElement {
  const params = keysOf(runs, (r) => r.params);
  const metrics = keysOf(runs, (r) => r.metrics);
  const table = el('table', 'wb-table wb-runs-table');
  const head = table.createTHead();
  const groups = head.insertRow();
  const fixed = ['', 'run', 'notebook', 'started', 'time', 'status', 'backend'];
  const spacer = el('th');
  spacer.colSpan = fixed.length;
  groups.append(spacer);
  for (const [label, keys] of [['parameters', params], ['final metrics', metrics]] as const) {
    if (keys.length === 0) continue;
    const th = el('th', 'wb-col-group', label);
    th.colSpan = keys.length;
    groups.append(th);
  }
  const names = head.insertRow();
  for (const label of [...fixed, ...params, ...metrics]) names.append(el('th', '', label));

  const body = table.createTBody();
  for (const run of runs) {
    const tr = body.insertRow();
    tr.dataset.run = String(run.id);
    const isSelected = selected.has(run.id);
    if (isSelected) tr.className = 'wb-run-selected';
    const check = el('input');
    check.type = 'checkbox';
    check.checked = isSelected;
    check.setAttribute('aria-label', `Select run ${run.id}`);
    check.addEventListener('change', () => toggle(run.id));
    tr.insertCell().append(check);
    tr.insertCell().textContent = String(run.id);
    const nb = tr.insertCell();
    if (run.notebook.startsWith('/')) nb.textContent = run.notebook;
    else {
      const a = el('a', '', run.notebook);
      a.href = notebookHref(run.notebook);
      nb.append(a);
    }
    const started = tr.insertCell();
    started.textContent = new Date(run.started).toLocaleString();
    started.title = run.started;
    tr.insertCell().textContent = duration(run);
    const status = tr.insertCell();
    const badge = el('span', 'wb-status', run.status);
    badge.dataset.status = run.status;
    if (run.error) badge.title = `${run.failedCell !== null ? `cell ${run.failedCell + 1}: ` : ''}${run.error}`;
    status.append(badge);
    tr.insertCell().textContent = run.backend ?? '';
    const valueCell = (group: string, key: string, text: string | undefined) => {
      const td = tr.insertCell();
      td.textContent = text ?? '—';
      if (text === undefined) td.classList.add('wb-missing');
      if (isSelected && differing.has(`${group}.${key}`)) td.classList.add('wb-diff');
    };
    for (const key of params) valueCell('param', key, formatValue(run.params[key]));
    for (const key of metrics) {
      const m = run.metrics[key];
      valueCell('metric', key, m && formatNumber(m.value));
      if (m) tr.cells[tr.cells.length - 1].title = `step ${m.step}`;
    }
    tr.addEventListener('click', (event) => {
      // Clicks on the checkbox and the notebook link do their own thing.
      if ((event.target as Element).closest('input, a')) return;
      toggle(run.id);
    });
  }
  return table;
}
