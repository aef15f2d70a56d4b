/**
 * Maps a line of transpiled cell code back to the line the person wrote, from esbuild's
 * source map (version 3, base64 VLQ). Browser-safe: both kernels use it.
 */

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DIGIT = new Map([...BASE64].map((c, i) => [c, i]));

function decodeVlq(segment: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const char of segment) {
    const digit = DIGIT.get(char);
    if (digit === undefined) throw new Error(`source map: bad VLQ character "${char}"`);
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
    } else {
      values.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return values;
}

/** For each generated line (0-based): the original lines (0-based) its segments point at, by generated column. */
export type LineMap = Array<Array<{ column: number; line: number }>>;

export function decodeMappings(mappings: string): LineMap {
  const lines: LineMap = [];
  let originalLine = 0;
  for (const text of mappings.split(';')) {
    const segments: Array<{ column: number; line: number }> = [];
    let column = 0;
    for (const segment of text.split(',')) {
      if (!segment) continue;
      const [dColumn, , dLine] = decodeVlq(segment);
      column += dColumn;
      if (dLine !== undefined) {
        originalLine += dLine;
        segments.push({ column, line: originalLine });
      }
    }
    lines.push(segments);
  }
  return lines;
}

/** The original 1-based line for a generated 1-based line (and optional 1-based column). */
export function originalLine(map: LineMap, line: number, column = 1): number | undefined {
  const segments = map[line - 1];
  if (!segments || segments.length === 0) return undefined;
  let best = segments[0];
  for (const s of segments) if (s.column <= column - 1) best = s;
  return best.line + 1;
}
