/**
 * A cell's code as the kernels run it: what `transpile.ts` makes of the TypeScript a person wrote
 * (an async function sharing the notebook's scope, see `rewrite.ts`), in a form that crosses a
 * wire (`TranspiledCellData`: the browser kernel gets it from the server's `/api/transpile`) and
 * the form the executor uses (`TranspiledCell`, with the source map decoded). Browser-safe.
 */
import { decodeMappings, originalLine } from './source-map.js';

/** What the transpiler sends: plain JSON. */
export interface TranspiledCellData {
  /** `(async function () { … })`, to be evaluated and called. Cell code starts on line 2. */
  code: string;
  declared: string[];
  hasResult: boolean;
  /** esbuild's source map `mappings` (generated line 1 = the cell's code line 1). */
  mappings: string;
}

export interface TranspiledCell {
  code: string;
  declared: string[];
  hasResult: boolean;
  /** The cell's 1-based line for a 1-based line (and column) of `code`. */
  cellLine(line: number, column?: number): number | undefined;
}

/** A cell that does not compile, with where (1-based line, 0-based column in the cell). */
export class CellSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
    readonly lineText: string,
  ) {
    super(message);
    this.name = 'SyntaxError';
  }
}

/** A syntax error as it crosses a wire. */
export interface CellSyntaxErrorData {
  message: string;
  line: number;
  column: number;
  lineText: string;
}

export function cellFromData(data: TranspiledCellData): TranspiledCell {
  const map = decodeMappings(data.mappings);
  return {
    code: data.code,
    declared: data.declared,
    hasResult: data.hasResult,
    // The function's first line is the wrapper's; the cell's code starts on line 2.
    cellLine: (line, column) => (line < 2 ? undefined : originalLine(map, line - 1, column)),
  };
}
