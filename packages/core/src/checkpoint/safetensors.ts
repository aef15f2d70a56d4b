/**
 * safetensors read/write (https://github.com/huggingface/safetensors): an 8-byte little-endian
 * header length, a JSON header `{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__"?}`,
 * then the raw little-endian tensor bytes. Tensors are read as float32 whatever their stored dtype.
 */

export type SafetensorsDtype = 'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8' | 'BOOL';

const BYTES_PER_ELEMENT: Record<SafetensorsDtype, number> = {
  F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1,
};

export interface StoredTensor {
  /** The dtype on disk; `data` is always float32. */
  dtype: SafetensorsDtype;
  shape: number[];
  data: Float32Array;
}

export interface SafetensorsFile {
  tensors: Map<string, StoredTensor>;
  metadata: Record<string, string>;
}

class SafetensorsError extends Error {
  constructor(source: string, message: string) {
    super(`${source}: ${message}`);
    this.name = 'SafetensorsError';
  }
}

/** Header larger than this is certainly corruption (the reference implementation caps at 100 MB). */
const MAX_HEADER_BYTES = 100_000_000;

interface TensorEntry {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
  size: number;
  begin: number;
  end: number;
}

/**
 * Parses a safetensors buffer; `source` (a file name) prefixes every error. The header is checked
 * as the reference implementation (`safetensors` `Metadata::validate`) checks it: UTF-8 JSON
 * object; `__metadata__` a map of strings; each tensor a known dtype string, a shape of
 * non-negative integers and `data_offsets` whose span is exactly the shape's bytes; and the
 * tensors, sorted by offset, tile the data section exactly: each starts where the previous ended
 * (no gaps, no overlaps, no two names for the same bytes) and the last ends at the end of the file.
 */
export function readSafetensors(bytes: Uint8Array, source = 'safetensors'): SafetensorsFile {
  if (bytes.byteLength < 8) {
    throw new SafetensorsError(source, `file is ${bytes.byteLength} bytes, too short for the 8-byte header length`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getBigUint64(0, true);
  if (headerLength > BigInt(MAX_HEADER_BYTES) || 8n + headerLength > BigInt(bytes.byteLength)) {
    throw new SafetensorsError(
      source,
      `header length ${headerLength} does not fit in a file of ${bytes.byteLength} bytes (truncated or not safetensors)`,
    );
  }
  const dataStart = 8 + Number(headerLength);
  const header = parseHeader(bytes.subarray(8, dataStart), source);
  const dataLength = bytes.byteLength - dataStart;
  let metadata: Record<string, string> = {};
  const entries: TensorEntry[] = [];
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') metadata = checkMetadata(entry, source);
    else entries.push(checkTensorEntry(name, entry, source));
  }
  // Sorted by offsets, the tensors must tile [0, dataLength) exactly (as the reference validates).
  const byOffset = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  for (const t of byOffset) {
    if (t.begin !== covered) {
      const before = byOffset.find((other) => other !== t && other.end > t.begin && other.begin <= t.begin);
      throw new SafetensorsError(
        source,
        t.begin < covered
          ? `tensor "${t.name}" data_offsets [${t.begin}, ${t.end}] overlap${before ? ` tensor "${before.name}" [${before.begin}, ${before.end}]` : ' another tensor'}`
          : `tensor "${t.name}" data_offsets [${t.begin}, ${t.end}] leave a gap: the bytes [${covered}, ${t.begin}) belong to no tensor`,
      );
    }
    if (t.end > dataLength) {
      throw new SafetensorsError(
        source,
        `tensor "${t.name}" data_offsets [${t.begin}, ${t.end}] lie outside the ${dataLength} data bytes (truncated file?)`,
      );
    }
    covered = t.end;
  }
  if (covered !== dataLength) {
    throw new SafetensorsError(
      source,
      `the tensors cover ${covered} of the ${dataLength} data bytes: ${dataLength - covered} trailing bytes belong to no tensor`,
    );
  }
  const tensors = new Map<string, StoredTensor>();
  for (const t of entries) {
    tensors.set(t.name, {
      dtype: t.dtype,
      shape: t.shape,
      data: toFloat32(bytes.subarray(dataStart + t.begin, dataStart + t.end), t.dtype, t.size),
    });
  }
  return { tensors, metadata };
}

function parseHeader(raw: Uint8Array, source: string): Record<string, unknown> {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    throw new SafetensorsError(source, 'header is not valid UTF-8');
  }
  if (!text.startsWith('{')) throw new SafetensorsError(source, 'header must be a JSON object (it does not start with "{")');
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    throw new SafetensorsError(source, `header is not valid JSON (${(e as Error).message})`);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) {
    throw new SafetensorsError(source, 'header must be a JSON object');
  }
  return header as Record<string, unknown>;
}

function checkMetadata(entry: unknown, source: string): Record<string, string> {
  if (entry === null) return {};
  if (typeof entry !== 'object' || Array.isArray(entry) || !Object.values(entry).every((v) => typeof v === 'string')) {
    throw new SafetensorsError(source, `"__metadata__" must map names to strings, got ${JSON.stringify(entry).slice(0, 80)}`);
  }
  return { ...(entry as Record<string, string>) };
}

function checkTensorEntry(name: string, entry: unknown, source: string): TensorEntry {
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
    throw new SafetensorsError(source, `tensor "${name}" must be an object with dtype, shape and data_offsets`);
  }
  const { dtype, shape, data_offsets: offsets } = entry as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
  if (typeof dtype !== 'string' || !Object.hasOwn(BYTES_PER_ELEMENT, dtype)) {
    throw new SafetensorsError(
      source,
      `tensor "${name}" has unsupported dtype ${JSON.stringify(dtype)} (expected one of ${Object.keys(BYTES_PER_ELEMENT).join(', ')})`,
    );
  }
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new SafetensorsError(source, `tensor "${name}" has an invalid shape ${JSON.stringify(shape)}`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0)) {
    throw new SafetensorsError(source, `tensor "${name}" has invalid data_offsets ${JSON.stringify(offsets)}`);
  }
  const [begin, end] = offsets as [number, number];
  if (begin > end) throw new SafetensorsError(source, `tensor "${name}" data_offsets [${begin}, ${end}] end before they begin`);
  const size = (shape as number[]).reduce((a, b) => a * b, 1);
  const expected = size * BYTES_PER_ELEMENT[dtype as SafetensorsDtype];
  if (!Number.isSafeInteger(expected) || end - begin !== expected) {
    throw new SafetensorsError(
      source,
      `tensor "${name}": shape [${shape}] × ${dtype} needs ${expected} bytes but data_offsets span ${end - begin}`,
    );
  }
  return { name, dtype: dtype as SafetensorsDtype, shape: shape as number[], size, begin, end };
}

function toFloat32(raw: Uint8Array, dtype: SafetensorsDtype, size: number): Float32Array {
  // Copy first: the bytes may be unaligned for typed-array views (and Node's Buffer.slice does not copy).
  const buf = new Uint8Array(raw).buffer;
  switch (dtype) {
    case 'F32':
      return new Float32Array(buf);
    case 'F64':
      return Float32Array.from(new Float64Array(buf));
    case 'F16': {
      const h = new Uint16Array(buf);
      const out = new Float32Array(size);
      for (let i = 0; i < size; i++) out[i] = halfToFloat(h[i]);
      return out;
    }
    case 'BF16': {
      const h = new Uint16Array(buf);
      const bits = new Uint32Array(size);
      for (let i = 0; i < size; i++) bits[i] = h[i] << 16;
      return new Float32Array(bits.buffer);
    }
    case 'I64':
      return Float32Array.from(new BigInt64Array(buf), (v) => Number(v));
    case 'I32':
      return Float32Array.from(new Int32Array(buf));
    case 'I16':
      return Float32Array.from(new Int16Array(buf));
    case 'I8':
      return Float32Array.from(new Int8Array(buf));
    case 'U8':
    case 'BOOL':
      return Float32Array.from(new Uint8Array(buf));
  }
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

/** One float32 and its bits, reused: the conversions below run once per weight (no allocation each). */
const scratchFloat = new Float32Array(1);
const scratchBits = new Uint32Array(scratchFloat.buffer);

function float32Bits(value: number): number {
  scratchFloat[0] = value;
  return scratchBits[0];
}

/** float32 → IEEE half, round to nearest even. */
export function floatToHalf(value: number): number {
  const x = float32Bits(value);
  const sign = (x >>> 16) & 0x8000;
  const exponent = (x >>> 23) & 0xff;
  let mantissa = x & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0);
  let e = exponent - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mantissa |= 0x800000;
    const shift = 14 - e;
    let half = mantissa >> shift;
    const rest = mantissa & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (rest > halfway || (rest === halfway && half & 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mantissa >> 13);
  const rest = mantissa & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && half & 1)) half++;
  return sign | half;
}

/** float32 → bfloat16, round to nearest even. */
export function floatToBfloat16(value: number): number {
  const x = float32Bits(value);
  if ((x & 0x7f800000) === 0x7f800000 && x & 0x7fffff) return (x >>> 16) | 0x40;
  return ((x + 0x7fff + ((x >>> 16) & 1)) >>> 16) & 0xffff;
}

export interface TensorToWrite {
  shape: number[];
  data: Float32Array;
}

/** Serialises float tensors (sorted by name, as the reference writer does) in F32, F16 or BF16. */
export function writeSafetensors(
  tensors: Record<string, TensorToWrite>,
  options: { dtype?: 'F32' | 'F16' | 'BF16'; metadata?: Record<string, string> } = {},
): Uint8Array {
  const dtype = options.dtype ?? 'F32';
  const width = BYTES_PER_ELEMENT[dtype];
  const names = Object.keys(tensors).sort();
  const header: Record<string, unknown> = {};
  if (options.metadata) header.__metadata__ = options.metadata;
  let offset = 0;
  for (const name of names) {
    const { shape, data } = tensors[name];
    const size = shape.reduce((a, b) => a * b, 1);
    if (size !== data.length) {
      throw new Error(`writeSafetensors: tensor "${name}" has shape [${shape}] (${size} values) but ${data.length} values`);
    }
    header[name] = { dtype, shape, data_offsets: [offset, offset + size * width] };
    offset += size * width;
  }
  let headerBytes = new TextEncoder().encode(JSON.stringify(header));
  // Pad the header with spaces so the data starts 8-byte aligned, as the reference writer does.
  const padded = Math.ceil(headerBytes.length / 8) * 8;
  if (padded !== headerBytes.length) {
    const p = new Uint8Array(padded).fill(0x20);
    p.set(headerBytes);
    headerBytes = p;
  }
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let position = 8 + headerBytes.length;
  for (const name of names) {
    const { data } = tensors[name];
    if (dtype === 'F32') {
      out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), position);
    } else {
      const convert = dtype === 'F16' ? floatToHalf : floatToBfloat16;
      const halves = new Uint16Array(data.length);
      for (let i = 0; i < data.length; i++) halves[i] = convert(data[i]);
      out.set(new Uint8Array(halves.buffer), position);
    }
    position += data.length * width;
  }
  return out;
}
