/**
 * Kernel lifecycle and files in Debian's Chromium: the notebook list shows the running Node kernels
 * and shuts one down; the toolbar's power button shuts a notebook's kernel down and running a cell
 * starts a new one; deleting a notebook from the list shuts its kernel down; a kernel picked in
 * the toolbar is marked "not saved" until the notebook is saved; a file that is not valid JSON
 * opens as text and can be repaired; a "Run all" goes into the run history as `wb run` does; every
 * toolbar control has a tooltip and an accessible name.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, launchChromium } from '../../../../test/support/browser.js';
import { serializeNotebook } from '../../src/notebook/io.js';
import { emptyNotebook, newCell } from '../../src/notebook/new.js';
import { notebooksCopy, startServe, type RunningWorkbench } from '../support/workbench.js';

const run = browserAvailable();

let wb: RunningWorkbench;
let browser: Browser;
let context: BrowserContext;
const pageErrors: string[] = [];

function writeNotebook(name: string, source: string): void {
  const nb = emptyNotebook();
  nb.cells = [newCell('code', source)];
  writeFileSync(join(wb.dir, name), serializeNotebook(nb));
}

async function openPage(path: string): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(`${wb.origin}${path}`);
  return page;
}

async function openNotebook(name: string): Promise<Page> {
  const page = await openPage(`/notebooks/${name}`);
  await page.waitForSelector('.wb-kernel[data-state=idle]', { timeout: 30_000 });
  return page;
}

const kernelRows = (page: Page) => page.locator('.wb-kernel-row').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.path));

(run ? describe : describe.skip)('kernels and files in the UI', () => {
  beforeAll(async () => {
    wb = await startServe(notebooksCopy(false));
    writeNotebook('a.ipynb', 'let counter = 41;\ncounter + 1');
    writeNotebook('b.ipynb', '1 + 1');
    browser = await launchChromium();
    context = await browser.newContext();
    const first = await context.newPage();
    await first.goto(wb.url);
    await first.close();
  });

  afterAll(async () => {
    await browser?.close();
    await wb?.stop();
  });

  it('lists the running kernels, and shuts one down from the list', async () => {
    const a = await openNotebook('a.ipynb');
    const b = await openNotebook('b.ipynb');
    const list = await openPage('/');
    await list.waitForSelector('.wb-kernel-row');
    expect((await kernelRows(list)).sort()).toEqual(['a.ipynb', 'b.ipynb']);
    expect(await list.locator('.wb-kernel-row[data-path="b.ipynb"] .wb-file-time').textContent()).toMatch(/^idle · 1 tab · last active/);
    await list.click('.wb-kernel-row[data-path="b.ipynb"] button[data-action=shutdown-kernel]');
    await expect.poll(() => kernelRows(list)).toEqual(['a.ipynb']);
    await Promise.all([a.close(), b.close(), list.close()]);
  });

  it("shuts a notebook's kernel down from its toolbar; running a cell starts a new one", async () => {
    const page = await openNotebook('a.ipynb');
    await page.locator('.wb-cell').first().locator('.cm-content').click();
    await page.keyboard.press('Control+Enter');
    await expect.poll(() => page.locator('.wb-output').first().textContent()).toBe('42');
    await page.click('button[data-action=shutdown-kernel]');
    await expect.poll(() => page.textContent('.wb-kernel-state')).toBe('shut down');
    await expect.poll(() => page.textContent('.wb-banner')).toContain('The kernel is shut down.');
    // Past the connection's reconnect delay (250 ms): the shut-down connection must not come back with a new kernel.
    await page.waitForTimeout(1000);
    const status = await page.evaluate(async () => (await fetch('/api/sessions')).json());
    expect(status.sessions.map((s: { path: string }) => s.path)).not.toContain('a.ipynb');
    // A new kernel: the old state is gone.
    await page.locator('.wb-cell').first().locator('.cm-content').click();
    await page.keyboard.press('Control+Enter');
    await page.waitForSelector('.wb-kernel[data-state=idle]', { timeout: 30_000 });
    await expect.poll(() => page.locator('.wb-output').first().textContent()).toBe('42');
    await page.close();
  });

  it('says what every toolbar control does: a tooltip, and a name for the icon-only buttons', async () => {
    const page = await openNotebook('b.ipynb');
    const controls = await page.locator('.wb-toolbar button, .wb-toolbar select').evaluateAll((all) =>
      all.map((c) => ({ action: (c as HTMLElement).dataset.action ?? c.className, title: (c as HTMLElement).title, name: c.getAttribute('aria-label') ?? c.textContent!.trim() })),
    );
    expect(controls.length).toBeGreaterThanOrEqual(16);
    for (const control of controls) {
      expect(control.title, control.action).not.toBe('');
      expect(control.name, control.action).not.toBe('');
    }
    expect(controls.find((c) => c.action === 'shutdown-kernel')).toMatchObject({ title: expect.stringMatching(/^Shut down the kernel/), name: expect.stringMatching(/^Shut down the kernel/) });
    await page.close();
  });

  it("marks a picked kernel 'not saved' until the notebook is saved", async () => {
    const page = await openNotebook('b.ipynb');
    await page.selectOption('.wb-kernel-picker', 'browser');
    await expect.poll(() => page.textContent('.wb-kernel-unsaved')).toBe('not saved');
    // Trying a kernel is not an edit: nothing to autosave, the file is unchanged.
    expect(await page.textContent('.wb-save-state')).toBe('Saved');
    expect(JSON.parse(readFileSync(join(wb.dir, 'b.ipynb'), 'utf8')).metadata.wb?.kernel).toBeUndefined();
    await page.click('button[data-action=save]');
    await expect.poll(() => JSON.parse(readFileSync(join(wb.dir, 'b.ipynb'), 'utf8')).metadata.wb?.kernel).toBe('browser');
    await expect.poll(() => page.locator('.wb-kernel-unsaved').count()).toBe(0);
    await page.close();
  });

  it('deletes a notebook from the list, and its kernel with it', async () => {
    const nb = await openNotebook('a.ipynb');
    await nb.close();
    const list = await openPage('/');
    await list.waitForSelector('.wb-kernel-row');
    expect(await kernelRows(list)).toContain('a.ipynb');
    list.once('dialog', (dialog) => void dialog.accept());
    await list.click('.wb-files li:has(a[href="/notebooks/a.ipynb"]) .wb-file-delete');
    await expect.poll(() => existsSync(join(wb.dir, 'a.ipynb'))).toBe(false);
    const status = await list.evaluate(async () => (await fetch('/api/sessions')).json());
    expect(status.sessions.map((s: { path: string }) => s.path)).not.toContain('a.ipynb');
    await list.close();
  });

  it('records a "Run all" in the run history, with its metrics and how it ended', async () => {
    const nb = emptyNotebook();
    nb.cells = [newCell('code', "logMetric('loss', 0.5, 1);\nlogMetric('loss', 0.25, 2);\n'logged'"), newCell('markdown', '# between'), newCell('code', '6 * 7')];
    writeFileSync(join(wb.dir, 'metrics.ipynb'), serializeNotebook(nb));
    nb.cells = [newCell('code', '1'), newCell('code', "throw new Error('on purpose')"), newCell('code', '3')];
    writeFileSync(join(wb.dir, 'fails.ipynb'), serializeNotebook(nb));
    type Runs = { runs: Array<{ notebook: string; status: string; failedCell: number | null; error: string | null; backend: string | null; metrics: Record<string, { value: number; step: number }> }> };
    for (const name of ['metrics.ipynb', 'fails.ipynb']) {
      const page = await openNotebook(name);
      await page.click('button[data-action=run-all]');
      await page.waitForFunction(() => document.querySelectorAll('.wb-running').length === 0, null, { timeout: 60_000 });
      const recorded = async () => ((await page.evaluate(async () => (await fetch('/api/runs')).json())) as Runs).runs.find((r) => r.notebook === name && r.status !== 'running');
      await expect.poll(recorded, { timeout: 15_000 }).toBeTruthy();
      const run = (await recorded())!;
      if (name === 'metrics.ipynb') {
        expect(run).toMatchObject({ status: 'ok', failedCell: null, error: null, backend: 'wasm', metrics: { loss: { value: 0.25, step: 2 } } });
      } else {
        // The second cell (index 1) failed; the third was aborted behind it.
        expect(run).toMatchObject({ status: 'error', failedCell: 1, error: 'Error: on purpose' });
      }
      await page.close();
    }
  });

  it('opens a notebook that is not valid JSON as text, and saves the repair', async () => {
    writeFileSync(join(wb.dir, 'broken.ipynb'), '{"cells": [}');
    const page = await openPage('/notebooks/broken.ipynb');
    await page.waitForSelector('button[data-action=open-as-text]');
    await page.click('button[data-action=open-as-text]');
    const area = page.locator('.wb-text-editor textarea');
    await expect.poll(() => area.inputValue()).toBe('{"cells": [}');
    const repaired = serializeNotebook(emptyNotebook());
    await area.fill(repaired);
    await page.click('button[data-action=save-text]');
    await expect.poll(() => page.textContent('.wb-text-editor .wb-save-state')).toBe('Saved');
    expect(readFileSync(join(wb.dir, 'broken.ipynb'), 'utf8')).toBe(repaired);
    await page.click('text=Open as notebook');
    await page.waitForSelector('.wb-kernel[data-state=idle]', { timeout: 30_000 });
    expect(pageErrors).toEqual([]);
  });
});
