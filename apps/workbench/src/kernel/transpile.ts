/**
 * One cell's TypeScript → a JavaScript async function that shares the notebook's scope:
 * esbuild strips the types (per cell, no type checking, as a REPL), `rewrite.ts` turns top-level
 * declarations into globals, and the source map gives errors the cell's own line numbers.
 */
import { transform, type Message } from 'esbuild';
import { rewriteCell } from './rewrite.js';
import { decodeMappings, originalLine, type LineMap } from './source-map.js';

export interface TranspiledCell {
  /** `(async function () { … })`, to be evaluated and called. Cell code starts on line 2. */
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

export async function transpileCell(source: string): Promise<TranspiledCell> {
  let js: string;
  let map: LineMap;
  try {
    const result = await transform(source, {
      loader: 'ts',
      target: 'es2022',
      sourcemap: 'external',
      sourcefile: 'cell.ts',
      tsconfigRaw: { compilerOptions: { verbatimModuleSyntax: true, useDefineForClassFields: true } },
      logLevel: 'silent',
    });
    js = result.code;
    map = decodeMappings((JSON.parse(result.map) as { mappings: string }).mappings);
  } catch (e) {
    const first = (e as { errors?: Message[] }).errors?.[0];
    if (!first) throw e;
    const location = first.location;
    throw new CellSyntaxError(first.text, location?.line ?? 1, location?.column ?? 0, location?.lineText ?? '');
  }
  const rewritten = rewriteCell(js);
  const prologue = rewritten.functions.map((name) => `globalThis[${JSON.stringify(name)}] = ${name};`).join(' ');
  const code = `(async function () { ${prologue}\n${rewritten.body}\n})`;
  return {
    code,
    declared: rewritten.declared,
    hasResult: rewritten.hasResult,
    cellLine: (line, column) => (line < 2 ? undefined : originalLine(map, line - 1, column)),
  };
}
