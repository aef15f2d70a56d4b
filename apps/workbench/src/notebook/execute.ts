/**
 * `wb run NB.ipynb`: executes a notebook top to bottom in a fresh Node kernel, headless, the
 * way papermill does: parameters go into an `injected-parameters` cell, outputs and execution
 * counts into the notebook, and the run's record (seeds, backend, package versions, sha256 of
 * the files read) into `metadata.wb.run`. Stops at the first failing cell. The command also
 * adds the run, with the metrics its cells log, to the run history (`src/runs/`).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { writeFileAtomic } from '@wb/core/node';
import { basename, dirname, resolve } from 'node:path';
import { NodeKernel } from '../kernel/node-kernel.js';
import { RecordedRun } from '../runs/record.js';
import type { KernelEvent } from '../kernel/protocol.js';
import { notebookToHtml } from './export-html.js';
import { parseNotebook, serializeNotebook } from './io.js';
import { notebookLanguage, runsHere } from './new.js';
import { injectParameters, parseParam } from './params.js';
import { compareNotebooks, DEFAULT_TOLERANCE } from './verify.js';
import type { CodeCell, DisplayDataOutput, JsonObject, JsonValue, Notebook, Output, RunRecord } from './types.js';

export interface RunNotebookOptions {
  params?: Record<string, JsonValue>;
  /** Progress lines (stderr by default). */
  log?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
  /** Each `logMetric(name, value, step)` of the cells, as it happens. */
  onMetric?: (name: string, value: number, step: number) => void;
}

export interface RunNotebookResult {
  notebook: Notebook;
  ok: boolean;
  /** The index (among all cells) of the cell that failed. */
  failedCell?: number;
  error?: Output;
  /** What the run used (also in `notebook.metadata.wb.run`). */
  run: RunRecord;
}

/** Applies one kernel event to a cell's outputs (merging stream text, updating displays). */
export function applyEvent(outputs: Output[], displays: Map<string, DisplayDataOutput>, event: KernelEvent): void {
  if (event.type === 'output') {
    const output = event.output;
    const last = outputs.at(-1);
    if (output.output_type === 'stream' && last?.output_type === 'stream' && last.name === output.name) {
      last.text += output.text;
      return;
    }
    const copy = { ...output } as Output;
    if (copy.output_type === 'display_data' && copy.transient?.display_id) displays.set(copy.transient.display_id, copy);
    outputs.push(copy);
  } else if (event.type === 'update_display') {
    const target = displays.get(event.displayId);
    if (target) {
      target.data = event.data;
      target.metadata = event.metadata as JsonObject;
    }
  } else if (event.type === 'clear_output') {
    outputs.splice(0);
  }
}

export async function runNotebook(notebook: Notebook, cwd: string, options: RunNotebookOptions = {}): Promise<RunNotebookResult> {
  const log = options.log ?? ((line: string) => process.stderr.write(line + '\n'));
  if (!runsHere(notebook)) throw new Error(`the notebook's language is ${notebookLanguage(notebook)}; wb runs TypeScript and JavaScript notebooks`);
  const params = options.params ?? {};
  const nb = injectParameters(notebook, params);
  const kernel = new NodeKernel({ cwd, env: options.env });
  const started = new Date().toISOString();
  let current: { outputs: Output[]; seq: number } | undefined;
  const displays = new Map<string, DisplayDataOutput>();
  kernel.on('event', (event: KernelEvent) => {
    if (event.type === 'metric') options.onMetric?.(event.name, event.value, event.step);
    else if ('seq' in event && current && event.seq === current.seq) applyEvent(current.outputs, displays, event);
    else if (event.type === 'update_display') applyEvent([], displays, event);
  });
  const result: Omit<RunNotebookResult, 'run'> = { notebook: nb, ok: true };
  let run: RunRecord | undefined;
  try {
    await kernel.start();
    for (const cell of nb.cells) if (cell.cell_type === 'code') Object.assign(cell, { outputs: [], execution_count: null });
    const code = nb.cells.map((c, i) => [c, i] as const).filter(([c]) => c.cell_type === 'code') as Array<readonly [CodeCell, number]>;
    for (const [k, [cell, index]] of code.entries()) {
      const t0 = Date.now();
      const { seq, done } = kernel.execute(cell.source);
      current = { outputs: cell.outputs, seq };
      const reply = await done;
      run = reply.run ?? run;
      cell.execution_count = reply.executionCount;
      const seconds = ((Date.now() - t0) / 1000).toFixed(2);
      const first = cell.source.split('\n').find((l) => l.trim()) ?? '';
      log(`wb run: [${k + 1}/${code.length}] ${reply.status === 'ok' ? 'ok   ' : 'ERROR'} ${seconds}s  ${first.slice(0, 60)}`);
      if (reply.status !== 'ok') {
        result.ok = false;
        result.failedCell = index;
        result.error = cell.outputs.find((o) => o.output_type === 'error');
        if (result.error?.output_type === 'error') log(result.error.traceback.join('\n'));
        break;
      }
    }
  } finally {
    kernel.shutdown();
  }
  const wb = (nb.metadata.wb as JsonObject | undefined) ?? {};
  const record: RunRecord = { ...(run ?? { kernel: 'node', backend: kernel.backend ?? 'unknown', seeds: [], packages: {}, files: {} }), started, finished: new Date().toISOString(), params };
  nb.metadata = { ...nb.metadata, wb: { ...wb, run: record as unknown as JsonValue } };
  return { ...result, run: record };
}

export interface RunCommandOptions {
  out?: string;
  /** Also write the executed notebook as a self-contained HTML report. */
  html?: string;
  param?: string[];
  /** Re-run and report every stored output that changed beyond the tolerance. */
  verify?: boolean;
  rtol?: number;
  atol?: number;
}

/**
 * The hub models a stored run read, as `WB_HUB_PINS` for the kernel: `--verify` re-runs with the
 * same commits, so that a model whose branch moved on does not count as a changed output.
 */
function recordedHubPins(notebook: Notebook): Record<string, string> {
  const run = (notebook.metadata.wb as { run?: RunRecord } | undefined)?.run;
  return Object.fromEntries((run?.models ?? []).map((m) => [m.repo, m.commit]));
}

/** The notebook's text; a missing file or a folder is named (Node's EISDIR is not). */
export function readNotebookFile(path: string, shown: string): string {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) throw new Error(`${shown}: no such notebook`);
  if (stat.isDirectory()) throw new Error(`${shown}: is a folder, expected a .ipynb file`);
  return readFileSync(path, 'utf8');
}

/** Writes an output whole (or not at all), and says which option's file failed and why. */
function writeOutput(file: string, option: string, text: string): void {
  const path = resolve(file);
  if (!existsSync(dirname(path))) throw new Error(`${option} ${file}: the folder ${dirname(path)} does not exist`);
  if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) throw new Error(`${option} ${file}: is a folder, expected a file name`);
  try {
    writeFileAtomic(path, text);
  } catch (e) {
    throw new Error(`${option} ${file}: ${(e as Error).message}`, { cause: e });
  }
}

/** The `wb run` command; returns the exit code. */
export async function runCommand(file: string, options: RunCommandOptions): Promise<number> {
  const path = resolve(file);
  const notebook = parseNotebook(readNotebookFile(path, file), file);
  const params = Object.fromEntries((options.param ?? []).map(parseParam));
  const stored = structuredClone(notebook);
  const warn = (line: string) => process.stderr.write(line + '\n');
  const history = RecordedRun.begin(path, params, warn);
  // Ctrl-C: the history says the run was interrupted rather than leaving it "running".
  const interrupted = () => {
    history?.finish('interrupted');
    process.exit(130);
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  let result: RunNotebookResult;
  try {
    const pins = options.verify ? recordedHubPins(stored) : {};
    for (const [repo, commit] of Object.entries(pins)) process.stderr.write(`wb run --verify: ${repo} at commit ${commit}, as recorded\n`);
    const env = Object.keys(pins).length ? { WB_HUB_PINS: JSON.stringify(pins) } : undefined;
    result = await runNotebook(notebook, dirname(path), { params, onMetric: history?.metric, env });
  } catch (e) {
    history?.finish({ ok: false, error: { output_type: 'error', ename: 'Error', evalue: (e as Error).message, traceback: [] } });
    throw e;
  } finally {
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
  }
  history?.finish(result);
  if (history) process.stderr.write(`wb run: recorded as run ${history.id} in ${history.file}\n`);
  if (options.out) {
    writeOutput(options.out, '--out', serializeNotebook(result.notebook));
    process.stderr.write(`wb run: wrote ${options.out}\n`);
  }
  if (options.html) {
    writeOutput(options.html, '--html', notebookToHtml(result.notebook, basename(path, '.ipynb')));
    process.stderr.write(`wb run: wrote ${options.html}\n`);
  }
  if (!result.ok) process.stderr.write(`wb run: ${file}: cell ${result.failedCell! + 1} failed\n`);
  if (options.verify) {
    const tolerance = { rtol: options.rtol ?? DEFAULT_TOLERANCE.rtol, atol: options.atol ?? DEFAULT_TOLERANCE.atol };
    const differences = compareNotebooks(stored, result.notebook, tolerance);
    for (const d of differences) process.stderr.write(`wb run --verify: ${file}: cell ${d.cell} (${d.cellId}): ${d.what}\n`);
    process.stderr.write(
      differences.length === 0
        ? `wb run --verify: ${file}: every output reproduced (rtol ${tolerance.rtol}, atol ${tolerance.atol})\n`
        : `wb run --verify: ${file}: ${differences.length} output${differences.length > 1 ? 's' : ''} changed beyond the tolerance\n`,
    );
    if (differences.length > 0) return 1;
  }
  return result.ok ? 0 : 1;
}
