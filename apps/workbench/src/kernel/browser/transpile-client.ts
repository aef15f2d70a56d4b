/**
 * Cells in the browser kernel are transpiled by the server (`POST /api/transpile`), which runs the
 * Node kernel's own `transpile.ts` (esbuild + the scope rewrite). Bundling a transpiler into the
 * worker instead would add megabytes (esbuild-wasm is ~10 MB, TypeScript ~9 MB) to every browser
 * kernel start for a few milliseconds per cell; the workbench always has its server at hand.
 */
import { xsrfHeaders } from '../../ui/xsrf.js';
import { CellSyntaxError, cellFromData, type CellSyntaxErrorData, type TranspiledCell, type TranspiledCellData } from '../cell-code.js';

/** `xsrfToken`: the page's XSRF token (`ui/xsrf.ts`), which the worker cannot read from the cookie itself. */
export async function transpileOnServer(code: string, xsrfToken?: string): Promise<TranspiledCell> {
  let response: Response;
  try {
    response = await fetch('/api/transpile', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...xsrfHeaders(xsrfToken) },
      body: JSON.stringify({ code }),
      credentials: 'same-origin',
    });
  } catch (e) {
    throw new Error(`could not reach the workbench server to transpile the cell (${(e as Error).message}); is \`wb serve\` still running?`);
  }
  const body = (await response.json().catch(() => ({}))) as { cell?: TranspiledCellData; syntaxError?: CellSyntaxErrorData; error?: string };
  if (body.syntaxError) {
    const { message, line, column, lineText } = body.syntaxError;
    throw new CellSyntaxError(message, line, column, lineText);
  }
  if (!response.ok || !body.cell) throw new Error(`the server could not transpile the cell: ${body.error ?? `${response.status} ${response.statusText}`}`);
  return cellFromData(body.cell);
}
