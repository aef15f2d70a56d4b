/**
 * One cell's TypeScript → a JavaScript async function that shares the notebook's scope:
 * esbuild strips the types (per cell, no type checking, as a REPL), `rewrite.ts` turns top-level
 * declarations into globals, and the source map gives errors the cell's own line numbers.
 * Node only (esbuild's native binary): the Node kernel calls it directly, the browser kernel
 * through the server (`server/transpile-api.ts`).
 */
import { transform, type Message } from 'esbuild';
import { CellSyntaxError, cellFromData, type TranspiledCell, type TranspiledCellData } from './cell-code.js';
import { rewriteCell } from './rewrite.js';

export { CellSyntaxError, type TranspiledCell, type TranspiledCellData };

/** The cell as plain data (throws CellSyntaxError when it does not compile). */
export async function transpileCellData(source: string): Promise<TranspiledCellData> {
  let js: string;
  let mappings: string;
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
    mappings = (JSON.parse(result.map) as { mappings: string }).mappings;
  } catch (e) {
    const first = (e as { errors?: Message[] }).errors?.[0];
    if (!first) throw e;
    const location = first.location;
    throw new CellSyntaxError(first.text, location?.line ?? 1, location?.column ?? 0, location?.lineText ?? '');
  }
  const rewritten = rewriteCell(js);
  const prologue = rewritten.functions.map((name) => `globalThis[${JSON.stringify(name)}] = ${name};`).join(' ');
  const code = `(async function () { ${prologue}\n${rewritten.body}\n})`;
  return { code, declared: rewritten.declared, hasResult: rewritten.hasResult, mappings };
}

export async function transpileCell(source: string): Promise<TranspiledCell> {
  return cellFromData(await transpileCellData(source));
}
