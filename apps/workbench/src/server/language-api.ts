/**
 * Completions and hover types for code cells (`language/`): `POST /api/language/completions`
 * and `POST /api/language/hover` with `{ before, source, offset }` (the code cells above, the
 * cell, a UTF-16 offset in it), and `POST /api/language/warm` when a notebook opens. Like every
 * route, they need the access token (and the XSRF header).
 */
import { Router, type Request } from 'express';
import type { TypeClient } from '../language/type-client.js';
import type { CellQuery } from '../language/type-service.js';
import { ContentsError } from './contents.js';

function cellQuery(req: Request): CellQuery {
  const { before, source, offset } = req.body ?? {};
  if (!Array.isArray(before) || !before.every((cell) => typeof cell === 'string')) {
    throw new ContentsError(400, 'expected "before": the sources of the code cells above, as an array of strings');
  }
  if (typeof source !== 'string') throw new ContentsError(400, 'expected "source": the cell\'s source, a string');
  if (!Number.isInteger(offset) || offset < 0 || offset > source.length) {
    throw new ContentsError(400, `expected "offset": an integer from 0 to the source's length (${source.length}), got ${JSON.stringify(offset)}`);
  }
  return { before, source, offset };
}

export function languageApi(types: TypeClient): Router {
  const router = Router();
  router.post('/language/completions', async (req, res) => {
    res.json((await types.completions(cellQuery(req))) ?? { from: req.body.offset, typed: '', items: [] });
  });
  router.post('/language/hover', async (req, res) => {
    res.json({ hover: await types.hover(cellQuery(req)) });
  });
  router.post('/language/warm', (_req, res) => {
    // Answered at once: the build goes on in the service's thread.
    types.warm().catch((e: Error) => process.stderr.write(`wb serve: ${e.message}\n`));
    res.status(202).json({});
  });
  return router;
}
