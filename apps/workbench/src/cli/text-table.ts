/** Plain-text tables for a terminal (`wb runs`, `wb fill-mask`, `wb nsp`), and when to print JSON instead. */

/** Columns padded to their widest cell (the last column is not padded). */
export function textTable(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]))).join('  ')).join('\n') + '\n';
}

/**
 * JSON when asked (`--json`) or when stdout is not a terminal (a pipe, a file, a test or a
 * script reading it); a table for a person at a terminal.
 */
export function wantsJson(json: boolean | undefined, stream: { isTTY?: boolean } = process.stdout): boolean {
  return json === true || stream.isTTY !== true;
}
