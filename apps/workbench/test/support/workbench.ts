/** Starts `wb serve` (the built CLI) on a free port over a copy of some notebooks, and reads the URL it prints. */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const workbenchDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const repoNotebooks = join(workbenchDir, '..', '..', 'notebooks');
export const wbBin = join(workbenchDir, 'bin', 'wb.js');

export interface RunningWorkbench {
  url: string;
  origin: string;
  token: string;
  dir: string;
  output: () => string;
  stop(): Promise<void>;
}

/**
 * `wb run ARGS` as a user types it (the built CLI in a child process). `runsDb` keeps the run history
 * out of the repository's notebooks/.wb/.
 */
export function wbRun(args: string[], runsDb: string): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [wbBin, 'run', ...args], { maxBuffer: 64 << 20, env: { ...process.env, WB_RUNS_DB: runsDb } }, (error, _stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stderr }),
    );
  });
}

/** A temporary notebooks folder, with copies of the example notebooks when `examples` is set. */
export function notebooksCopy(examples = true): string {
  const dir = mkdtempSync(join(tmpdir(), 'wb-notebooks-'));
  if (examples) for (const f of readdirSync(repoNotebooks)) if (f.endsWith('.ipynb')) cpSync(join(repoNotebooks, f), join(dir, f));
  return dir;
}

export async function startServe(dir: string): Promise<RunningWorkbench> {
  const child: ChildProcess = spawn(process.execPath, [wbBin, 'serve', '--port', '0', '--no-browser', '--dir', dir], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, BROWSER: '' },
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`wb serve printed no URL in 30 s:\n${output}`)), 30_000);
    const check = () => {
      const m = /(http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout!.on('data', check);
    child.on('exit', (code) => reject(new Error(`wb serve exited (${code}):\n${output}`)));
  });
  const parsed = new URL(url);
  return {
    url,
    origin: parsed.origin,
    token: parsed.searchParams.get('token')!,
    dir,
    output: () => output,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.on('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 3000).unref();
      }),
  };
}
