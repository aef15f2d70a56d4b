/**
 * A "Run all" in the UI goes into the run history as `wb run` does (`runs/record.ts`): begun when
 * the cells are sent (`POST /api/runs {path}`, so a run that never ends shows as running), and
 * ended with its metrics, the kernel's run record and how it ended
 * (`POST /api/runs/:id/finish {ok, failedCell?, error?, run?, metrics?}` or `{interrupted: true}`).
 * The page collects the metrics (`logMetric`) from the kernel's messages, for either kernel.
 */
import express, { type Router } from 'express';
import type { Output, RunRecord } from '../notebook/types.js';
import { RecordedRun } from '../runs/record.js';

class UiRunError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

interface FinishBody {
  ok?: boolean;
  interrupted?: boolean;
  failedCell?: number;
  error?: Output;
  run?: RunRecord;
  metrics?: Array<{ name: string; value: number; step: number }>;
}

/** `existingNotebook` turns the request's path into the notebook's file (or throws the contents API's 404). */
export function uiRunsApi(existingNotebook: (path: string) => string): Router {
  const open = new Map<number, RecordedRun>();
  const router = express.Router();
  router.post('/runs', (req, res) => {
    const file = existingNotebook(req.body?.path);
    const warnings: string[] = [];
    const run = RecordedRun.begin(file, {}, (line) => warnings.push(line));
    if (!run) throw new UiRunError(503, warnings.join('; ') || 'the run history is not available');
    open.set(run.id, run);
    res.json({ id: run.id });
  });
  router.post('/runs/:id/finish', (req, res) => {
    const id = Number(req.params.id);
    const run = open.get(id);
    if (!run) throw new UiRunError(404, `no run ${req.params.id} in progress from this server`);
    const body = (req.body ?? {}) as FinishBody;
    for (const m of Array.isArray(body.metrics) ? body.metrics : []) {
      if (typeof m?.name === 'string' && Number.isFinite(m.value) && Number.isInteger(m.step)) run.metric(m.name, m.value, m.step);
    }
    open.delete(id);
    run.finish(body.interrupted ? 'interrupted' : { ok: body.ok === true, failedCell: body.failedCell, error: body.error, run: body.run });
    res.json({ id });
  });
  return router;
}
