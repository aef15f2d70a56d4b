/**
 * Any value → a Jupyter MIME bundle: rich values as they are, Plot figures as SVG (or HTML when
 * Plot wraps them in a figure with a legend or title), tensors with their shape and dtype,
 * arrays of records as tables, images from their bytes, JSON-able objects as JSON, and
 * everything with a plain-text fallback.
 */
import type { JsonObject, JsonValue, MimeBundle } from '../notebook/types.js';
import { outerMarkup } from './dom.js';
import { formatValue } from './format.js';
import { Rich, imageType, image } from './rich.js';
import { tableView } from './views/table.js';

export interface Bundle {
  data: MimeBundle;
  metadata: JsonObject;
}

interface TensorLike {
  shape: number[];
  dtype: string;
  toString(verbose?: boolean): string;
  isDisposed?: boolean;
}

const isElement = (v: unknown): v is Element =>
  typeof v === 'object' && v !== null && (v as Node).nodeType === 1 && typeof (v as Element).outerHTML === 'string';

const isTensor = (v: unknown): v is TensorLike =>
  typeof v === 'object' && v !== null && Array.isArray((v as TensorLike).shape) && typeof (v as TensorLike).dtype === 'string' && typeof (v as { dataSync?: unknown }).dataSync === 'function';

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype;

/** JSON for the notebook, unless it would be too large to be useful there (text only then). */
function asJson(value: unknown): JsonValue | undefined {
  try {
    const text = JSON.stringify(value);
    return text === undefined || text.length > 200_000 ? undefined : (JSON.parse(text) as JsonValue);
  } catch {
    return undefined;
  }
}

/** `text` is how a bare string shows: as itself (`display`) or quoted (a cell's result). */
export function toBundle(value: unknown, { quoteStrings = false } = {}): Bundle {
  if (value instanceof Rich) return { data: value.data, metadata: value.metadata };
  if (typeof value === 'string') return { data: { 'text/plain': quoteStrings ? formatValue(value) : value }, metadata: {} };
  if (isElement(value)) {
    const markup = outerMarkup(value);
    const tag = value.tagName.toLowerCase();
    return { data: { [tag === 'svg' ? 'image/svg+xml' : 'text/html']: markup, 'text/plain': `<${tag}>` }, metadata: {} };
  }
  if (isTensor(value)) {
    const text = value.isDisposed ? `Tensor (disposed) shape [${value.shape}] ${value.dtype}` : value.toString(true);
    return { data: { 'text/plain': text }, metadata: {} };
  }
  if (value instanceof Uint8Array && imageType(value)) return toBundle(image(value));
  if (Array.isArray(value) && value.length > 0 && value.every(isRecord)) {
    const table = tableView(value as Record<string, unknown>[]);
    return { data: { ...table.data, 'text/plain': formatValue(value) }, metadata: {} };
  }
  if (isRecord(value) || (Array.isArray(value) && value.length > 0 && value.some((v) => typeof v === 'object' && v !== null))) {
    const json = asJson(value);
    if (json !== undefined) return { data: { 'application/json': json, 'text/plain': formatValue(value) }, metadata: { 'application/json': { expanded: false } } };
  }
  return { data: { 'text/plain': formatValue(value) }, metadata: {} };
}
