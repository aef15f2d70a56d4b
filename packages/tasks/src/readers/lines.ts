/** Line handling shared by the line-oriented readers (TSV, CoNLL, plain text). */

export interface Line {
  /** 1-based line number in the source. */
  number: number;
  /** The line without its terminator (`\n` or `\r\n`). */
  text: string;
}

/**
 * Splits text into lines, accepting `\n` and `\r\n` (files written on Windows) and dropping a
 * leading byte-order mark, which would otherwise stick to the first token or header name.
 * A final terminator does not produce an extra empty line.
 */
export function splitLines(text: string): Line[] {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const parts = body.split('\n');
  if (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts.map((part, i) => ({ number: i + 1, text: part.endsWith('\r') ? part.slice(0, -1) : part }));
}

/** The 1-based line and column of a character offset, for errors found by offset (JSON). */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}

/** Short, quoted rendering of a field for error messages (long sentences are cut). */
export function quote(value: string, max = 40): string {
  const shown = value.length > max ? `${value.slice(0, max)}…` : value;
  return JSON.stringify(shown);
}
