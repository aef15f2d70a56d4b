/**
 * `wb run --verify`: the outputs a notebook has stored, against those of a fresh run. Numbers
 * may move within a tolerance (|a − b| ≤ atol + rtol·|a|), wherever they are: in text, in JSON,
 * and in HTML and SVG markup (a plot whose points moved by a rounding error is the same plot);
 * everything else must be equal. Outputs marked volatile (progress bars, with their timings)
 * are skipped.
 */
import { isJsonMime } from './validate.js';
import type { Cell, JsonValue, MimeBundle, Notebook, Output } from './types.js';

export interface Tolerance {
  rtol: number;
  atol: number;
}

export const DEFAULT_TOLERANCE: Tolerance = { rtol: 1e-4, atol: 1e-6 };

export interface Difference {
  /** 1-based position of the cell in the notebook. */
  cell: number;
  cellId: string;
  what: string;
}

const NUMBER = /-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/g;

const close = (a: number, b: number, t: Tolerance) => a === b || Math.abs(a - b) <= t.atol + t.rtol * Math.abs(a) || (Number.isNaN(a) && Number.isNaN(b));

function clip(text: string, at: number): string {
  const start = Math.max(0, at - 30);
  return JSON.stringify(text.slice(start, at + 40));
}

/** Compares two texts token by token: numbers within tolerance, the rest exactly. Returns why they differ. */
export function compareText(expected: string, actual: string, t: Tolerance): string | undefined {
  const split = (s: string) => {
    const parts: Array<{ text: string; at: number; number?: number }> = [];
    let last = 0;
    for (const m of s.matchAll(NUMBER)) {
      if (m.index! > last) parts.push({ text: s.slice(last, m.index), at: last });
      parts.push({ text: m[0], at: m.index!, number: Number(m[0]) });
      last = m.index! + m[0].length;
    }
    if (last < s.length) parts.push({ text: s.slice(last), at: last });
    return parts;
  };
  const a = split(expected);
  const b = split(actual);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (!x || !y) return `the text ${!x ? 'is longer' : 'is shorter'} now, from ${clip(!x ? actual : expected, (x ?? y)!.at)}`;
    if (x.number !== undefined && y.number !== undefined) {
      if (!close(x.number, y.number, t)) return `${x.text} is now ${y.text}, near ${clip(expected, x.at)}`;
    } else if (x.text !== y.text) {
      return `the text changed near ${clip(expected, x.at)}: now ${clip(actual, y.at)}`;
    }
  }
  return undefined;
}

function compareJson(a: JsonValue, b: JsonValue, t: Tolerance, path = ''): string | undefined {
  if (typeof a === 'number' && typeof b === 'number') return close(a, b, t) ? undefined : `${path || 'value'}: ${a} is now ${b}`;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return `${path || 'list'}: ${a.length} items, now ${b.length}`;
    for (let i = 0; i < a.length; i++) {
      const d = compareJson(a[i], b[i], t, `${path}[${i}]`);
      if (d) return d;
    }
    return undefined;
  }
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) {
      if (!(k in a) || !(k in b)) return `${path}.${k}: ${k in a ? 'missing now' : 'new'}`;
      const d = compareJson(a[k], b[k], t, `${path}.${k}`);
      if (d) return d;
    }
    return undefined;
  }
  return a === b ? undefined : `${path || 'value'}: ${JSON.stringify(a)} is now ${JSON.stringify(b)}`;
}

function compareBundles(a: MimeBundle, b: MimeBundle, t: Tolerance): string | undefined {
  const mimes = Object.keys(a).sort();
  if (mimes.join() !== Object.keys(b).sort().join()) return `MIME types ${mimes.join(', ')} are now ${Object.keys(b).sort().join(', ')}`;
  for (const mime of mimes) {
    const d = isJsonMime(mime)
      ? compareJson(a[mime], b[mime], t)
      : mime.startsWith('image/') && mime !== 'image/svg+xml'
        ? a[mime] === b[mime]
          ? undefined
          : 'the image changed'
        : compareText(String(a[mime]), String(b[mime]), t);
    if (d) return `${mime}: ${d}`;
  }
  return undefined;
}

const volatile = (o: Output) => (o.output_type === 'display_data' || o.output_type === 'execute_result') && (o.metadata.wb as { volatile?: boolean } | undefined)?.volatile === true;

function compareOutputs(a: Output, b: Output, t: Tolerance): string | undefined {
  if (a.output_type !== b.output_type) return `was ${a.output_type}, now ${b.output_type}`;
  if (a.output_type === 'stream' && b.output_type === 'stream') {
    return a.name !== b.name ? `${a.name} is now ${b.name}` : compareText(a.text, b.text, t);
  }
  if (a.output_type === 'error' && b.output_type === 'error') {
    return a.ename === b.ename && a.evalue === b.evalue ? undefined : `${a.ename}: ${a.evalue} is now ${b.ename}: ${b.evalue}`;
  }
  if ((a.output_type === 'display_data' || a.output_type === 'execute_result') && (b.output_type === 'display_data' || b.output_type === 'execute_result')) {
    return compareBundles(a.data, b.data, t);
  }
  return undefined;
}

const codeOutputs = (cell: Cell): Output[] => (cell.cell_type === 'code' ? cell.outputs.filter((o) => !volatile(o)) : []);

/** Every stored output of `expected` that `actual` (the re-run, matched by cell id) does not reproduce. */
export function compareNotebooks(expected: Notebook, actual: Notebook, t: Tolerance = DEFAULT_TOLERANCE): Difference[] {
  const byId = new Map(actual.cells.map((c) => [c.id, c]));
  const differences: Difference[] = [];
  expected.cells.forEach((cell, index) => {
    if (cell.cell_type !== 'code') return;
    const at = { cell: index + 1, cellId: cell.id };
    const rerun = byId.get(cell.id);
    if (!rerun || rerun.cell_type !== 'code') return void differences.push({ ...at, what: 'the cell did not run' });
    const before = codeOutputs(cell);
    const after = codeOutputs(rerun);
    if (before.length !== after.length) {
      differences.push({ ...at, what: `${before.length} outputs, now ${after.length}` });
      return;
    }
    before.forEach((o, i) => {
      const d = compareOutputs(o, after[i], t);
      if (d) differences.push({ ...at, what: `output ${i + 1}: ${d}` });
    });
  });
  return differences;
}
