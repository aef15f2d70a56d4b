/**
 * A point of a command sweep (`command:` in the spec), on a worker: `wb finetune …`/`wb eval …`
 * run as a child process of this worker's own `wb`, in the spec's folder, with each parameter
 * added as `--name value` and `{out}` replaced by a fresh folder (removed afterwards). The command
 * prints one JSON object; its numbers become the point's metrics (`metricsOfOutput`).
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PARENT_PID_VARIABLE } from '../cli/exit-with-parent.js';
import type { JsonValue } from '../notebook/types.js';
import type { PointResult } from '../runs/sweeps.js';
import type { MetricPoint } from '../runs/types.js';

export interface CommandJob {
  kind: 'command';
  sweep: string;
  point: number;
  /** The arguments after `wb` (`finetune sst2 --model … --out {out}`). */
  args: string[];
  /** The spec's folder on the submitting machine (the cwd when it exists here too). */
  folder: string;
  params: Record<string, JsonValue>;
}

export const OUT_PLACEHOLDER = '{out}';

/** The full argument list: the command's own, then `--name value` for each parameter. */
export function commandLine(args: string[], params: Record<string, JsonValue>, out: string): string[] {
  const flags = Object.entries(params).flatMap(([name, value]) => [`--${name}`, typeof value === 'string' ? value : JSON.stringify(value)]);
  return [...args.map((a) => a.split(OUT_PLACEHOLDER).join(out)), ...flags];
}

/**
 * A command's JSON output as metrics: every number by its dotted path (`best.accuracy`), at step 0;
 * an array of records (a curve, as `wb finetune`'s `epochs`) as one series per key, at steps 1, 2, ….
 */
export function metricsOfOutput(value: unknown, prefix = '', series: Record<string, MetricPoint[]> = {}): Record<string, MetricPoint[]> {
  if (typeof value === 'number' && Number.isFinite(value) && prefix) {
    series[prefix] = [{ step: 0, value }];
  } else if (Array.isArray(value)) {
    value.forEach((record, i) => {
      if (typeof record !== 'object' || record === null || Array.isArray(record)) return;
      for (const [key, v] of Object.entries(record)) {
        if (typeof v === 'number' && Number.isFinite(v)) (series[`${prefix}.${key}`] ??= []).push({ step: i + 1, value: v });
      }
    });
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, v] of Object.entries(value)) metricsOfOutput(v, prefix ? `${prefix}.${key}` : key, series);
  }
  return series;
}

/** Runs `wb ARGS` with this process's `wb` (the worker's own), collecting stdout; stderr's tail is kept for errors. */
function runWb(args: string[], cwd: string): Promise<{ code: number | null; signal: string | null; stdout: string; stderrTail: string }> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, [PARENT_PID_VARIABLE]: String(process.pid) };
    const child = spawn(process.execPath, [process.argv[1], ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderrTail = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderrTail = (stderrTail + d.toString()).slice(-2000)));
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderrTail }));
  });
}

export async function runCommandJob(data: CommandJob, context: { worker: string; attempts: number }): Promise<PointResult> {
  const out = mkdtempSync(join(tmpdir(), 'wb-sweep-out-'));
  const started = new Date().toISOString();
  const args = commandLine(data.args, data.params, out);
  const shown = `wb ${args.join(' ')}`;
  try {
    const run = await runWb(args, existsSync(data.folder) ? data.folder : tmpdir());
    if (run.code !== 0) throw new Error(`${shown} exited with ${run.signal ?? run.code}: ${run.stderrTail.trim().split('\n').at(-1) ?? ''}`);
    let output: unknown;
    try {
      output = JSON.parse(run.stdout);
    } catch {
      throw new Error(`${shown} printed no JSON object on stdout (it printed ${JSON.stringify(run.stdout.slice(0, 200))})`);
    }
    return {
      point: data.point,
      params: data.params,
      started,
      finished: new Date().toISOString(),
      ok: true,
      series: metricsOfOutput(output),
      worker: context.worker,
      attempts: context.attempts,
      outputSha256: createHash('sha256').update(run.stdout).digest('hex'),
    };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
