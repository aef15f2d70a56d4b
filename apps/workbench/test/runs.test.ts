/**
 * The run history: the SQLite store, where it lives, `wb run` recording runs with their
 * parameters and logged metrics, `wb runs`, the token-guarded API, and the comparison that the
 * runs page draws.
 */
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { parseHTML } from 'linkedom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeLogMetric } from '../src/kernel/metrics.js';
import type { KernelEvent } from '../src/kernel/protocol.js';
import { serializeNotebook } from '../src/notebook/io.js';
import { emptyNotebook, newCell } from '../src/notebook/new.js';
import { compareRuns } from '../src/runs/compare.js';
import { findRunsDatabase, notebookKey, runsDatabaseFor } from '../src/runs/location.js';
import { RunStore } from '../src/runs/store.js';
import type { RunDetail, RunSummary } from '../src/runs/types.js';
import { startWorkbench, type Workbench } from '../src/server/app.js';
import { comparisonTable } from '../src/ui/run-comparison.js';
import { wbRun } from './support/cli.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'wb-runs-'));

describe('run store', () => {
  it('records a run, its metrics and how it ended; lists the newest first with final metrics', () => {
    const store = RunStore.open(join(tmp(), '.wb', 'runs.sqlite'));
    const a = store.begin({ notebook: 'train.ipynb', params: { lr: 0.1 } });
    for (const [step, loss] of [0.9, 0.5, 0.3].entries()) store.logMetric(a, 'loss', loss, step);
    store.logMetric(a, 'loss', 0.25, 2); // the same step again replaces the value
    store.finish(a, { status: 'ok', backend: 'wasm', versions: { node: '20' }, seeds: [1], inputs: { 'data.txt': { sha256: 'ab'.repeat(32), bytes: 3 } } });
    const b = store.begin({ notebook: 'other.ipynb' });
    const runs = store.list();
    expect(runs.map((r) => r.id)).toEqual([b, a]);
    expect(runs[1]).toMatchObject({ notebook: 'train.ipynb', status: 'ok', params: { lr: 0.1 }, backend: 'wasm', seeds: [1], metrics: { loss: { step: 2, value: 0.25 } } });
    expect(runs[0]).toMatchObject({ status: 'running', finished: null, params: {}, metrics: {} });
    expect(store.list({ notebook: 'other.ipynb' }).map((r) => r.id)).toEqual([b]);
    expect(store.list({ limit: 1 }).map((r) => r.id)).toEqual([b]);
    expect(store.get(a)!.series.loss).toEqual([
      { step: 0, value: 0.9 },
      { step: 1, value: 0.5 },
      { step: 2, value: 0.25 },
    ]);
    expect(store.get(999)).toBeUndefined();
    store.close();
  });

  it('refuses a history written by a newer workbench, naming the file', () => {
    const file = join(tmp(), 'runs.sqlite');
    const db = new Database(file);
    db.pragma('user_version = 99');
    db.close();
    expect(() => RunStore.open(file)).toThrow(`${file}: the run history was written by a newer workbench (schema 99, this one knows 3); upgrade wb`);
  });

  it('upgrades a schema 1 history in place, and keeps the hub models (repo id and commit) a run read', () => {
    const file = join(tmp(), 'runs.sqlite');
    const v1 = new Database(file);
    v1.exec(`CREATE TABLE runs (id INTEGER PRIMARY KEY AUTOINCREMENT, notebook TEXT NOT NULL, started TEXT NOT NULL, finished TEXT,
      status TEXT NOT NULL, params TEXT NOT NULL DEFAULT '{}', backend TEXT, versions TEXT NOT NULL DEFAULT '{}', seeds TEXT NOT NULL DEFAULT '[]',
      inputs TEXT NOT NULL DEFAULT '{}', failed_cell INTEGER, error TEXT);
      CREATE TABLE metrics (run_id INTEGER NOT NULL, name TEXT NOT NULL, step INTEGER NOT NULL, value REAL NOT NULL, PRIMARY KEY (run_id, name, step)) WITHOUT ROWID;
      INSERT INTO runs (notebook, started, status) VALUES ('old.ipynb', '2025-01-01T00:00:00Z', 'ok');`);
    v1.pragma('user_version = 1');
    v1.close();
    const store = RunStore.open(file);
    expect(store.list()[0]).toMatchObject({ notebook: 'old.ipynb', models: [] });
    const id = store.begin({ notebook: 'hub.ipynb' });
    const models = [{ repo: 'google-bert/bert-base-uncased', commit: '86b5e0934494bd15c9632b12f734a8a67f723594' }];
    store.finish(id, { status: 'ok', models });
    expect(store.get(id)!.models).toEqual(models);
    store.close();
  });

  it('lives in .wb/ beside the notebooks: the nearest one upwards, else a new one in the notebook folder', () => {
    const root = tmp();
    mkdirSync(join(root, 'sub'));
    expect(findRunsDatabase(join(root, 'sub'), {})).toBeUndefined();
    expect(runsDatabaseFor(join(root, 'sub'), {}).file).toBe(join(root, 'sub', '.wb', 'runs.sqlite'));
    RunStore.open(join(root, '.wb', 'runs.sqlite')).close();
    const found = runsDatabaseFor(join(root, 'sub'), {});
    expect(found).toEqual({ file: join(root, '.wb', 'runs.sqlite'), base: root });
    expect(notebookKey(found, join(root, 'sub', 'x.ipynb'))).toBe('sub/x.ipynb');
    expect(notebookKey(found, '/elsewhere/y.ipynb')).toBe('/elsewhere/y.ipynb');
    expect(runsDatabaseFor(root, { WB_RUNS_DB: '/data/h.sqlite' })).toEqual({ file: '/data/h.sqlite', base: '/data' });
  });
});

describe('logMetric in cells', () => {
  it('sends metric events, counting steps per name when none is given', () => {
    const events: KernelEvent[] = [];
    const logMetric = makeLogMetric((e) => events.push(e), () => 4);
    logMetric('loss', 0.9);
    logMetric('loss', 0.5);
    logMetric('accuracy', 0.7, 10);
    logMetric('accuracy', 0.8);
    expect(events).toEqual([
      { type: 'metric', seq: 4, name: 'loss', value: 0.9, step: 0 },
      { type: 'metric', seq: 4, name: 'loss', value: 0.5, step: 1 },
      { type: 'metric', seq: 4, name: 'accuracy', value: 0.7, step: 10 },
      { type: 'metric', seq: 4, name: 'accuracy', value: 0.8, step: 11 },
    ]);
  });

  it('says what is wrong with a name, value or step', () => {
    const logMetric = makeLogMetric(() => undefined, () => 1);
    expect(() => logMetric('', 1)).toThrow('logMetric: the name must be a non-empty string, got ""');
    expect(() => logMetric('loss', NaN)).toThrow('logMetric: "loss": the value must be finite, got NaN');
    expect(() => logMetric('loss', new Float32Array(1) as never)).toThrow('logMetric: "loss": the value must be a number, got Float32Array');
    expect(() => logMetric('loss', 1, -1)).toThrow('logMetric: "loss": the step must be an integer ≥ 0, got -1');
  });
});

const summary = (id: number, params: RunSummary['params'], loss: number): RunSummary => ({
  id,
  notebook: 'train.ipynb',
  started: '2026-01-01T00:00:00.000Z',
  finished: '2026-01-01T00:00:01.000Z',
  status: 'ok',
  params,
  backend: 'wasm',
  versions: { node: '20.20.2', '@wb/core': '0.1.0' },
  seeds: [42],
  inputs: {},
  models: [],
  failedCell: null,
  error: null,
  metrics: { loss: { step: 9, value: loss } },
});

describe('comparing runs', () => {
  const runs = [summary(1, { lr: 0.1, word: 'bank' }, 0.5), summary(2, { lr: 0.01, word: 'bank' }, 0.7), summary(3, { lr: 0.1, word: 'bank', epochs: 2 }, 0.5)];

  it('marks the parameters (and metrics) the runs differ in, and only those', () => {
    const fields = compareRuns(runs.slice(0, 2));
    const differing = fields.filter((f) => f.differs).map((f) => `${f.group}.${f.key}`);
    expect(differing).toEqual(['param.lr', 'metric.loss']);
    expect(fields.find((f) => f.key === 'lr')!.values).toEqual(['0.1', '0.01']);
    // A parameter that one run lacks is a difference too.
    expect(compareRuns([runs[0], runs[2]]).filter((f) => f.differs).map((f) => f.key)).toEqual(['epochs']);
  });

  it('compares the commits of the hub models the runs read', () => {
    const [a, b] = ['a'.repeat(40), 'b'.repeat(40)];
    const withModels = [
      { ...runs[0], models: [{ repo: 'org/bert', commit: a }] },
      { ...runs[0], id: 2, models: [{ repo: 'org/bert', commit: b }, { repo: 'org/gpt', commit: a }] },
    ];
    const differing = compareRuns(withModels).filter((f) => f.differs);
    expect(differing.map((f) => [`${f.group}.${f.key}`, f.values])).toEqual([
      ['model.org/bert', [a.slice(0, 12), b.slice(0, 12)]],
      ['model.org/gpt', [undefined, a.slice(0, 12)]],
    ]);
  });

  it('draws the comparison with the differing parameter highlighted', () => {
    const { document } = parseHTML('<!doctype html><html><body></body></html>');
    const g = globalThis as { document?: unknown };
    const before = g.document;
    g.document = document;
    try {
      const only = comparisonTable(runs.slice(0, 2), true);
      const rows = [...only.querySelectorAll('tbody tr')].map((tr) => [tr.getAttribute('data-field'), tr.className, [...tr.querySelectorAll('td')].map((td) => td.textContent)]);
      expect(rows).toEqual([
        ['param.lr', 'wb-diff', ['parameter', 'lr', '0.1', '0.01']],
        ['metric.loss', 'wb-diff', ['final metric', 'loss', '0.5', '0.7']],
      ]);
      const all = comparisonTable(runs.slice(0, 2), false);
      expect(all.querySelector('tr[data-field="param.word"]')!.className).toBe('');
      expect(all.querySelector('thead')!.textContent).toBe('fieldrun 1run 2');
    } finally {
      g.document = before;
    }
  });
});

describe('wb run records runs; wb runs lists them', () => {
  const dir = tmp();
  const file = join(dir, 'train.ipynb');
  const history = join(dir, '.wb', 'runs.sqlite');

  beforeAll(() => {
    const nb = emptyNotebook();
    nb.cells = [
      newCell('code', 'const lr = 0.1;\nconst epochs = 3;'),
      newCell('code', 'seed(7);\nfor (let e = 0; e < epochs; e++) logMetric("loss", 1 / (1 + lr * e));\nlogMetric("accuracy", 0.5 + lr, 10);'),
    ];
    nb.cells[0].metadata = { tags: ['parameters'] };
    writeFileSync(file, serializeNotebook(nb));
    const failing = emptyNotebook();
    failing.cells = [newCell('code', 'logMetric("loss", 2);'), newCell('code', 'throw new Error("diverged")')];
    writeFileSync(join(dir, 'fails.ipynb'), serializeNotebook(failing));
  });

  it('records a run with its --param values, seeds and logged metrics', async () => {
    const first = await wbRun(['run', file, '--param', 'lr=0.5']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toContain(`recorded as run 1 in ${history}`);
    const second = await wbRun(['run', file, '--param', 'lr=0.25', '--param', 'epochs=5']);
    expect(second.code, second.stderr).toBe(0);
    const store = RunStore.open(history);
    try {
      const [two, one] = store.list();
      expect(one).toMatchObject({ id: 1, notebook: 'train.ipynb', status: 'ok', params: { lr: 0.5 }, backend: 'wasm', seeds: [7], failedCell: null, error: null });
      expect(one.versions.node).toBe(process.versions.node);
      expect(one.versions['@wb/core']).toBeTruthy();
      expect(Date.parse(one.finished!)).toBeGreaterThanOrEqual(Date.parse(one.started));
      expect(one.metrics).toEqual({ loss: { step: 2, value: 1 / (1 + 0.5 * 2) }, accuracy: { step: 10, value: 1 } });
      expect(store.get(1)!.series.loss.map((p) => p.step)).toEqual([0, 1, 2]);
      expect(two).toMatchObject({ id: 2, params: { lr: 0.25, epochs: 5 }, metrics: { loss: { step: 4, value: 1 / (1 + 0.25 * 4) } } });
    } finally {
      store.close();
    }
  });

  it('records a failing run as an error, with the cell and the message', async () => {
    const failed = await wbRun(['run', join(dir, 'fails.ipynb')]);
    expect(failed.code).toBe(1);
    const store = RunStore.open(history);
    try {
      expect(store.list({ notebook: 'fails.ipynb' })[0]).toMatchObject({ status: 'error', failedCell: 1, error: 'Error: diverged', metrics: { loss: { step: 0, value: 2 } } });
    } finally {
      store.close();
    }
  });

  it('still runs the notebook, with a warning, when the history cannot be written', async () => {
    const blocker = join(dir, 'not-a-folder');
    writeFileSync(blocker, '');
    process.env.WB_RUNS_DB = join(blocker, 'runs.sqlite');
    try {
      const result = await wbRun(['run', file]);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toContain(`wb run: not recorded in the run history: ${blocker}/runs.sqlite: cannot open the run history: EEXIST`);
    } finally {
      delete process.env.WB_RUNS_DB;
    }
  });

  it('lists runs as a table or JSON, filtered by notebook, and compares two', async () => {
    const table = await wbRun(['runs', '--dir', dir]);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(/^ID\s+STATUS\s+STARTED \(UTC\)\s+TIME\s+NOTEBOOK\s+PARAMS\s+FINAL METRICS$/);
    expect(table.stdout).toMatch(/^2\s+ok\s+.*train\.ipynb\s+lr=0\.25 epochs=5\s+accuracy=0\.75 loss=0\.5$/m);
    const json = await wbRun(['runs', '--notebook', file, '--json']);
    expect((JSON.parse(json.stdout) as RunSummary[]).map((r) => [r.id, r.params])).toEqual([
      [2, { lr: 0.25, epochs: 5 }],
      [1, { lr: 0.5 }],
    ]);
    const compared = await wbRun(['runs', '--dir', dir, '--compare', '1,2']);
    expect(compared.code, compared.stderr).toBe(0);
    expect(compared.stdout).toMatch(/^param\.lr\s+0\.5\s+0\.25$/m);
    expect(compared.stdout).toMatch(/^param\.epochs\s+—\s+5$/m);
    expect(compared.stdout).not.toContain('seeds');
    const missing = await wbRun(['runs', '--dir', dir, '--compare', '1,99']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`no run 99 in ${history}`);
  });

  it('says where it looked when there is no history', async () => {
    const empty = tmp();
    const result = await wbRun(['runs', '--dir', empty, '--json']);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe('[]');
    expect(result.stderr).toContain(`no run history at .wb/runs.sqlite (from ${empty} upwards)`);
    expect(existsSync(join(empty, '.wb'))).toBe(false);
  });
});

describe('runs API', () => {
  let wb: Workbench;
  let base: string;
  const auth = () => ({ Authorization: `token ${wb.token}` });

  beforeAll(async () => {
    const root = tmp();
    const store = RunStore.open(join(root, '.wb', 'runs.sqlite'));
    const id = store.begin({ notebook: 'train.ipynb', params: { lr: 0.1 } });
    store.logMetric(id, 'loss', 0.5, 0);
    store.logMetric(id, 'loss', 0.25, 1);
    store.finish(id, { status: 'ok', backend: 'wasm' });
    store.close();
    wb = await startWorkbench({ root, port: 0 });
    base = `http://127.0.0.1:${wb.port}`;
  });
  afterAll(() => wb.close());

  it('needs the token (403 without) for the API and the page', async () => {
    for (const path of ['/api/runs', '/api/runs/1', '/runs']) expect((await fetch(base + path)).status, path).toBe(403);
    expect((await fetch(`${base}/api/runs?token=wrong`)).status).toBe(403);
    const page = await fetch(`${base}/runs?token=${wb.token}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('/assets/main.js');
  });

  it('lists runs with final metrics and gives one run with its metrics by step', async () => {
    const list = (await (await fetch(`${base}/api/runs`, { headers: auth() })).json()) as { file: string; runs: RunSummary[] };
    expect(list.file).toBe(join(wb.store.root, '.wb', 'runs.sqlite'));
    expect(list.runs).toHaveLength(1);
    expect(list.runs[0]).toMatchObject({ id: 1, params: { lr: 0.1 }, metrics: { loss: { step: 1, value: 0.25 } } });
    const run = (await (await fetch(`${base}/api/runs/1`, { headers: auth() })).json()) as RunDetail;
    expect(run.series.loss).toEqual([
      { step: 0, value: 0.5 },
      { step: 1, value: 0.25 },
    ]);
    const missing = await fetch(`${base}/api/runs/7`, { headers: auth() });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: string }).error).toMatch(/^no run 7 in .*runs\.sqlite$/);
    expect((await fetch(`${base}/api/runs/abc`, { headers: auth() })).status).toBe(400);
  });
});
