/**
 * Checks a parsed `.ipynb` against the nbformat 4 schema (the rules of nbformat.v4.5.schema.json
 * that matter for reading and writing), and says where it is wrong: the file, the JSON path of
 * the offending value, and what was expected. Notebooks from 4.0–4.4 are accepted (cell ids are
 * added on load by `io.ts`, as nbformat's upgrade does).
 */

export class NotebookFormatError extends Error {
  constructor(
    readonly file: string,
    readonly where: string,
    readonly expected: string,
  ) {
    super(`${file}: not a valid nbformat 4 notebook: ${where ? `${where}: ` : ''}${expected}`);
    this.name = 'NotebookFormatError';
  }
}

export const CELL_ID_PATTERN = /^[a-zA-Z0-9_-]{1,64}$/;
const MIME_PATTERN = /^[a-zA-Z0-9!#$&^_.+-]+\/[a-zA-Z0-9!#$&^_.+-]+$/;

type Json = unknown;

const isObject = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isMultiline = (v: Json): boolean =>
  typeof v === 'string' || (Array.isArray(v) && v.every((line) => typeof line === 'string'));

/** True for MIME types whose content is JSON rather than (possibly split) text. */
export function isJsonMime(mime: string): boolean {
  return mime === 'application/json' || /\+json$/.test(mime);
}

class Checker {
  constructor(readonly file: string) {}

  fail(where: string, expected: string): never {
    throw new NotebookFormatError(this.file, where, expected);
  }

  object(v: Json, where: string): Record<string, Json> {
    if (!isObject(v)) this.fail(where, `expected an object, got ${describe(v)}`);
    return v;
  }

  only(v: Record<string, Json>, where: string, allowed: string[]): void {
    for (const key of Object.keys(v)) {
      if (!allowed.includes(key)) this.fail(where, `unexpected property "${key}" (allowed: ${allowed.join(', ')})`);
    }
  }

  required(v: Record<string, Json>, where: string, keys: string[]): void {
    for (const key of keys) if (!(key in v)) this.fail(where, `missing required property "${key}"`);
  }

  multiline(v: Json, where: string): void {
    if (!isMultiline(v)) this.fail(where, `expected a string or a list of strings, got ${describe(v)}`);
  }

  countOrNull(v: Json, where: string): void {
    if (!(v === null || (Number.isInteger(v) && (v as number) >= 0))) {
      this.fail(where, `expected a non-negative integer or null, got ${describe(v)}`);
    }
  }

  mimeBundle(v: Json, where: string): void {
    const bundle = this.object(v, where);
    for (const [mime, content] of Object.entries(bundle)) {
      if (!MIME_PATTERN.test(mime)) this.fail(where, `"${mime}" is not a MIME type`);
      if (!isJsonMime(mime)) this.multiline(content, `${where}["${mime}"]`);
    }
  }
}

function describe(v: Json): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v)}`;
  return typeof v === 'object' ? 'an object' : `${typeof v} ${String(v)}`;
}

function checkOutput(c: Checker, raw: Json, where: string): void {
  const o = c.object(raw, where);
  const type = o.output_type;
  switch (type) {
    case 'execute_result':
      c.only(o, where, ['output_type', 'execution_count', 'data', 'metadata']);
      c.required(o, where, ['execution_count', 'data', 'metadata']);
      c.countOrNull(o.execution_count, `${where}.execution_count`);
      c.mimeBundle(o.data, `${where}.data`);
      c.object(o.metadata, `${where}.metadata`);
      return;
    case 'display_data':
      c.only(o, where, ['output_type', 'data', 'metadata', 'transient']);
      c.required(o, where, ['data', 'metadata']);
      c.mimeBundle(o.data, `${where}.data`);
      c.object(o.metadata, `${where}.metadata`);
      return;
    case 'stream':
      c.only(o, where, ['output_type', 'name', 'text']);
      c.required(o, where, ['name', 'text']);
      // nbformat names the two streams; anything else (a name with a space) is no stream a kernel writes.
      if (o.name !== 'stdout' && o.name !== 'stderr') c.fail(`${where}.name`, `expected "stdout" or "stderr", got ${describe(o.name)}`);
      c.multiline(o.text, `${where}.text`);
      return;
    case 'error':
      c.only(o, where, ['output_type', 'ename', 'evalue', 'traceback']);
      c.required(o, where, ['ename', 'evalue', 'traceback']);
      if (typeof o.ename !== 'string') c.fail(`${where}.ename`, 'expected a string');
      if (typeof o.evalue !== 'string') c.fail(`${where}.evalue`, 'expected a string');
      if (!Array.isArray(o.traceback) || !o.traceback.every((l) => typeof l === 'string')) {
        c.fail(`${where}.traceback`, 'expected a list of strings');
      }
      return;
    default:
      c.fail(`${where}.output_type`, `expected execute_result, display_data, stream or error, got ${describe(type)}`);
  }
}

function checkCell(c: Checker, raw: Json, where: string, minor: number, ids: Set<string>): void {
  const cell = c.object(raw, where);
  const type = cell.cell_type;
  const common = ['id', 'cell_type', 'metadata', 'source'];
  if (type === 'code') {
    c.only(cell, where, [...common, 'outputs', 'execution_count']);
    c.required(cell, where, ['metadata', 'source', 'outputs', 'execution_count']);
    c.countOrNull(cell.execution_count, `${where}.execution_count`);
    if (!Array.isArray(cell.outputs)) c.fail(`${where}.outputs`, `expected a list, got ${describe(cell.outputs)}`);
    cell.outputs.forEach((o, i) => checkOutput(c, o, `${where}.outputs[${i}]`));
  } else if (type === 'markdown' || type === 'raw') {
    c.only(cell, where, [...common, 'attachments']);
    c.required(cell, where, ['metadata', 'source']);
    if ('attachments' in cell) c.object(cell.attachments, `${where}.attachments`);
  } else {
    c.fail(`${where}.cell_type`, `expected code, markdown or raw, got ${describe(type)}`);
  }
  c.object(cell.metadata, `${where}.metadata`);
  c.multiline(cell.source, `${where}.source`);
  if ('id' in cell || minor >= 5) {
    if (!('id' in cell)) c.fail(where, 'missing required property "id" (nbformat 4.5 cells have ids)');
    if (typeof cell.id !== 'string' || !CELL_ID_PATTERN.test(cell.id)) {
      c.fail(`${where}.id`, `expected 1–64 letters, digits, "-" or "_", got ${describe(cell.id)}`);
    }
    if (ids.has(cell.id)) c.fail(`${where}.id`, `duplicate cell id "${cell.id}"`);
    ids.add(cell.id);
  }
}

/**
 * How deeply a notebook may nest. Real ones nest a few levels (widget state a few dozen); past a few
 * thousand, every recursive step after parsing (serialising, cloning, rendering) overflows the stack.
 */
export const MAX_NOTEBOOK_DEPTH = 200;

/** Where a value nests deeper than `MAX_NOTEBOOK_DEPTH` (its first levels as a JSON path), if anywhere; no recursion. */
function tooDeep(raw: Json): string | undefined {
  const stack: Array<{ value: Json; depth: number; where: string }> = [{ value: raw, depth: 0, where: '' }];
  while (stack.length) {
    const { value, depth, where } = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    if (depth >= MAX_NOTEBOOK_DEPTH) return `${where}…`;
    const entries: Array<[string, Json]> = Array.isArray(value) ? value.map((v, i) => [`[${i}]`, v]) : Object.entries(value).map(([k, v]) => [where ? `.${k}` : k, v]);
    for (const [step, child] of entries) {
      if (child !== null && typeof child === 'object') stack.push({ value: child, depth: depth + 1, where: depth < 6 ? where + step : where });
    }
  }
  return undefined;
}

/** Throws NotebookFormatError unless `raw` is an nbformat 4 notebook. */
export function validateNotebook(raw: Json, file: string): void {
  const c = new Checker(file);
  const deep = tooDeep(raw);
  if (deep !== undefined) c.fail(deep, `nested more than ${MAX_NOTEBOOK_DEPTH} levels deep`);
  const nb = c.object(raw, '');
  c.required(nb, '', ['nbformat', 'nbformat_minor', 'metadata', 'cells']);
  if (nb.nbformat !== 4) {
    c.fail('nbformat', `expected 4, got ${describe(nb.nbformat)}${nb.nbformat === 3 ? ' (convert it with `jupyter nbconvert --to notebook`)' : ''}`);
  }
  if (!Number.isInteger(nb.nbformat_minor) || (nb.nbformat_minor as number) < 0) {
    c.fail('nbformat_minor', `expected a non-negative integer, got ${describe(nb.nbformat_minor)}`);
  }
  c.only(nb, '', ['nbformat', 'nbformat_minor', 'metadata', 'cells']);
  const metadata = c.object(nb.metadata, 'metadata');
  if ('kernelspec' in metadata) {
    const ks = c.object(metadata.kernelspec, 'metadata.kernelspec');
    c.required(ks, 'metadata.kernelspec', ['name', 'display_name']);
  }
  if ('language_info' in metadata) {
    const li = c.object(metadata.language_info, 'metadata.language_info');
    c.required(li, 'metadata.language_info', ['name']);
  }
  if (!Array.isArray(nb.cells)) c.fail('cells', `expected a list, got ${describe(nb.cells)}`);
  const ids = new Set<string>();
  (nb.cells as Json[]).forEach((cell, i) => checkCell(c, cell, `cells[${i}]`, nb.nbformat_minor as number, ids));
}
