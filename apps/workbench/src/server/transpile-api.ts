/**
 * `POST /api/transpile` `{ code }`: a cell's TypeScript → the JavaScript the kernels run (see
 * `kernel/transpile.ts`), for the browser kernel, which has no esbuild of its own. The answer is
 * `{ cell }` (code, declared names, whether it has a result, source map) or, when the cell does not
 * compile, `{ syntaxError }` with where. Like every route, it needs the access token.
 */
import { Router } from 'express';
import { CellSyntaxError, transpileCellData } from '../kernel/transpile.js';
import { ContentsError } from './contents.js';

export function transpileApi(): Router {
  const router = Router();
  router.post('/transpile', async (req, res) => {
    const code = req.body?.code;
    if (typeof code !== 'string') throw new ContentsError(400, 'expected { "code": "…" } with the cell\'s source');
    try {
      res.json({ cell: await transpileCellData(code) });
    } catch (e) {
      if (!(e instanceof CellSyntaxError)) throw e;
      res.json({ syntaxError: { message: e.message, line: e.line, column: e.column, lineText: e.lineText } });
    }
  });
  return router;
}
