/**
 * The error every reader throws for malformed input: it names the source (a file path or
 * whatever name the caller gave a string), the 1-based line and, where it helps, the 1-based
 * column, so that `file:line:column` can be pasted into an editor.
 */
export class DataFormatError extends Error {
  readonly source: string;
  readonly line: number | undefined;
  readonly column: number | undefined;

  constructor(source: string, line: number | undefined, message: string, column?: number) {
    const where = line === undefined ? source : column === undefined ? `${source}:${line}` : `${source}:${line}:${column}`;
    super(`${where}: ${message}`);
    this.name = 'DataFormatError';
    this.source = source;
    this.line = line;
    this.column = column;
  }
}
