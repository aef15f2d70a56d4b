/** A `wb` command started with WB_PARENT_PID stops when that process is gone (sweep workers killed mid-job). */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { wbBin } from './support/workbench.js';

function exited(child: ReturnType<typeof spawn>): Promise<{ code: number | null; stderr: string }> {
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stderr })));
}

describe('WB_PARENT_PID', () => {
  it('stops a long-running command once its parent has exited, saying why', { timeout: 60_000 }, async () => {
    const parent = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 2000)']);
    const parentGone = new Promise((resolve) => parent.once('exit', resolve));
    // `wb serve` runs until stopped: only the parent check can end it.
    const command = spawn(process.execPath, [wbBin, 'serve', '--port', '0', '--no-browser', '--dir', mkdtempSync(join(tmpdir(), 'wb-orphan-'))], {
      env: { ...process.env, WB_PARENT_PID: String(parent.pid), BROWSER: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const result = exited(command);
    await parentGone;
    const { code, stderr } = await result;
    expect(code).toBe(1);
    expect(stderr).toContain(`wb: the process that started this command (${parent.pid}) is gone; stopping`);
  });

  it('refuses a value that is not a process id', async () => {
    const command = spawn(process.execPath, [wbBin, '--version'], { env: { ...process.env, WB_PARENT_PID: 'abc' }, stdio: ['ignore', 'pipe', 'pipe'] });
    const { code, stderr } = await exited(command);
    expect(code).not.toBe(0);
    expect(stderr).toContain('WB_PARENT_PID="abc": expected a process id');
  });
});
