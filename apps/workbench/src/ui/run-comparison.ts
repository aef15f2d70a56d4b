/**
 * The comparison of the selected runs: one row per field (parameter, final metric, seed,
 * package version, input hash), one column per run, the rows where the runs differ
 * highlighted — and, by default, only those.
 */
import { compareRuns, type FieldGroup } from '../runs/compare.js';
import type { RunSummary } from '../runs/types.js';

const GROUP_LABEL: Record<FieldGroup, string> = {
  run: 'run',
  param: 'parameter',
  metric: 'final metric',
  version: 'version',
  input: 'input sha256',
  model: 'hub model commit',
};

/** A cell; plain createElement/append so that the tests can draw it in linkedom too. */
function cell(tag: 'th' | 'td', text: string, className = ''): HTMLTableCellElement {
  const node = document.createElement(tag);
  node.textContent = text;
  if (className) node.className = className;
  return node;
}

export function comparisonTable(runs: RunSummary[], onlyDifferences: boolean): HTMLElement {
  const fields = compareRuns(runs).filter((f) => f.differs || !onlyDifferences);
  const table = document.createElement('table');
  table.className = 'wb-table wb-compare-table';
  const head = document.createElement('thead');
  const headRow = document.createElement('tr');
  headRow.append(...['', 'field', ...runs.map((r) => `run ${r.id}`)].map((label) => cell('th', label)));
  head.append(headRow);
  const body = document.createElement('tbody');
  for (const field of fields) {
    const tr = document.createElement('tr');
    tr.dataset.field = `${field.group}.${field.key}`;
    if (field.differs) tr.className = 'wb-diff';
    tr.append(cell('td', GROUP_LABEL[field.group], 'wb-compare-group'), cell('td', field.key));
    for (const value of field.values) tr.append(cell('td', value ?? '—', value === undefined ? 'wb-missing' : ''));
    body.append(tr);
  }
  if (fields.length === 0) {
    const tr = document.createElement('tr');
    const td = cell('td', 'These runs do not differ in their parameters, final metrics, seeds, versions or inputs.');
    td.setAttribute('colspan', String(runs.length + 2));
    tr.append(td);
    body.append(tr);
  }
  table.append(head, body);
  return table;
}
