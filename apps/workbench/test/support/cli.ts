/** Runs the built `wb` command line as a child process, as a user would. */
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const wbPath = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'wb.js');

export async function wbRun(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [wbPath, ...args], { maxBuffer: 64 << 20, cwd: options.cwd, env: options.env ? { ...process.env, ...options.env } : undefined });
    return { stdout, stderr, code: 0 };
  } catch (e) {
    const error = e as { stdout: string; stderr: string; code: number };
    return { stdout: error.stdout, stderr: error.stderr, code: error.code };
  }
}
