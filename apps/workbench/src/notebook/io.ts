/**
 * Reading and writing `.ipynb` text the way Jupyter does, so that a notebook saved here opens
 * in JupyterLab and one saved by JupyterLab comes back byte for byte: multi-line strings are
 * stored as lists of lines, keys sorted, one-space indent, a final newline. Browser-safe.
 */
import type { Cell, JsonValue, Notebook, Output } from './types.js';
import { findJsonSyntaxError } from '@wb/tasks';
import { isJsonMime, NotebookFormatError, validateNotebook } from './validate.js';
import { writeJson } from './json-writer.js';
import { newCellId } from './new.js';

/** Python's `str.splitlines(keepends=True)`, which nbformat uses. */
export function splitLines(text: string): string[] {
  return text.match(/[^\n\r\v\f\x1c-\x1e\x85\u2028\u2029]*(?:\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029])|[^\n\r\v\f\x1c-\x1e\x85\u2028\u2029]+$/g) ?? [];
}

const joinLines = (v: unknown): string => (Array.isArray(v) ? v.join('') : (v as string));

function lineAndColumn(text: string, position: number): string {
  const before = text.slice(0, position);
  const line = before.split('\n').length;
  return `line ${line}, column ${position - before.lastIndexOf('\n')}`;
}

/** Parses, validates and normalises notebook text. Errors name the file and where it is wrong. */
export function parseNotebook(text: string, file = 'notebook.ipynb'): Notebook {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    const at = findJsonSyntaxError(text)?.offset ?? -1;
    const near = at >= 0 ? ` at ${lineAndColumn(text, at)}${at < text.length ? ` (near ${JSON.stringify(text.slice(at, at + 12))})` : ' (the text ends early)'}` : '';
    throw new NotebookFormatError(file, '', `not valid JSON${near}: ${(e as Error).message.split('\n')[0].slice(0, 120)}`);
  }
  return normaliseNotebook(raw, file);
}

/** Validates and normalises a notebook that is already parsed (a request body): no second copy of its text. */
export function normaliseNotebook(raw: unknown, file = 'notebook.ipynb'): Notebook {
  validateNotebook(raw, file);
  return normalise(raw as Notebook);
}

/** Joins multi-line strings, adds missing cell ids and upgrades to nbformat 4.5. */
function normalise(nb: Notebook): Notebook {
  const cells = nb.cells.map((cell): Cell => {
    const out = { ...cell, id: cell.id ?? newCellId(), source: joinLines(cell.source) } as Cell;
    if (out.cell_type === 'code') out.outputs = out.outputs.map(normaliseOutput);
    return out;
  });
  return { ...nb, nbformat: 4, nbformat_minor: Math.max(nb.nbformat_minor, 5), cells };
}

function normaliseOutput(output: Output): Output {
  if (output.output_type === 'stream') return { ...output, text: joinLines(output.text) };
  if (output.output_type === 'display_data' || output.output_type === 'execute_result') {
    const data: Record<string, JsonValue> = {};
    for (const [mime, value] of Object.entries(output.data)) data[mime] = isJsonMime(mime) ? value : joinLines(value);
    const { transient: _transient, ...rest } = output as Output & { transient?: unknown };
    return { ...rest, data } as Output;
  }
  return output;
}

function splitOutput(output: Output): JsonValue {
  if (output.output_type === 'stream') return { ...output, text: splitLines(output.text) };
  if (output.output_type === 'display_data' || output.output_type === 'execute_result') {
    const data: Record<string, JsonValue> = {};
    for (const [mime, value] of Object.entries(output.data)) {
      data[mime] = !isJsonMime(mime) && typeof value === 'string' ? splitLines(value) : value;
    }
    const { transient: _transient, ...rest } = output as Output & { transient?: unknown };
    return { ...rest, data } as unknown as JsonValue;
  }
  return output as unknown as JsonValue;
}

/**
 * The notebook as Jupyter writes it (`json.dumps(nb, sort_keys=True, indent=1)` + newline), in
 * pieces: a save streams them to the file (`server/contents.ts`) instead of building the text.
 */
export function writeNotebook(nb: Notebook, write: (piece: string) => void): void {
  const cells = nb.cells.map((cell) => {
    const out: Record<string, unknown> = { ...cell, source: splitLines(cell.source) };
    if (cell.cell_type === 'code') out.outputs = cell.outputs.map(splitOutput);
    return out;
  });
  writeJson({ ...nb, cells }, write);
  write('\n');
}

/** The notebook's text as Jupyter writes it. */
export function serializeNotebook(nb: Notebook): string {
  const pieces: string[] = [];
  writeNotebook(nb, (piece) => pieces.push(piece));
  return pieces.join('');
}
