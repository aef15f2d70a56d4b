/**
 * The run history over HTTP, for the compare page: `GET /api/runs[?notebook=&limit=]` lists
 * runs with their final metrics, `GET /api/runs/:id` gives one run with every metric by step.
 * (The token check in front of `/api` covers these too.)
 *
 * The history is opened — and created, when missing — as the server starts, so that `wb run`
 * of a notebook in a subfolder finds it and records there (see `runs/location.ts`).
 */
import express, { type Router } from 'express';
import { runsDatabaseFor } from '../runs/location.js';
import { RunStore } from '../runs/store.js';
import { getSweep, listSweeps } from '../runs/sweeps.js';

/** An error with its HTTP status (the app's error handler reads `status`). */
class RunsError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface RunsApi {
  router: Router;
  close(): void;
}

export function runsApi(root: string): RunsApi {
  const location = runsDatabaseFor(root);
  let store: RunStore | undefined;
  let failure: string | undefined;
  const open = (): RunStore => {
    if (store) return store;
    try {
      store = RunStore.open(location.file);
      failure = undefined;
      return store;
    } catch (e) {
      failure = (e as Error).message;
      throw new RunsError(503, `the run history is not available: ${failure}`);
    }
  };
  try {
    open();
  } catch {
    process.stderr.write(`wb serve: ${failure} (the runs page will say so)\n`);
  }

  const router = express.Router();
  router.get('/runs', (req, res) => {
    const notebook = typeof req.query.notebook === 'string' && req.query.notebook ? req.query.notebook : undefined;
    const limit = typeof req.query.limit === 'string' ? Number(req.query.limit) : undefined;
    if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) throw new RunsError(400, `limit must be a positive integer, got "${req.query.limit}"`);
    res.json({ file: location.file, base: location.base, runs: open().list({ notebook, limit }) });
  });
  router.get('/runs/:id', (req, res) => {
    const id = Number(req.params.id);
    if (!Number.isInteger(id) || id <= 0) throw new RunsError(400, `a run id is a positive integer, got "${req.params.id}"`);
    const run = open().get(id);
    if (!run) throw new RunsError(404, `no run ${id} in ${location.file}`);
    res.json(run);
  });
  // Sweeps (`wb sweep`): the list, and one sweep with each point's run and curves.
  router.get('/sweeps', (_req, res) => {
    res.json({ sweeps: listSweeps(open()) });
  });
  router.get('/sweeps/:id', (req, res) => {
    const found = getSweep(open(), req.params.id);
    if (!found) throw new RunsError(404, `no sweep ${req.params.id} in ${location.file}`);
    res.json(found);
  });
  return { router, close: () => store?.close() };
}
