/**
 * The runs page in Debian's Chromium: a history with three runs, two of them selected; the
 * parameter they differ in is highlighted, and each metric is plotted against the step.
 * Set WB_SCREENSHOTS=<folder> to keep a screenshot.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, launchChromium } from '../../../../test/support/browser.js';
import { RunStore } from '../../src/runs/store.js';
import { startWorkbench, type Workbench } from '../../src/server/app.js';

const run = browserAvailable();
let wb: Workbench;
let browser: Browser;

(run ? describe : describe.skip)('the runs page in Chromium', () => {
  beforeAll(async () => {
    const root = mkdtempSync(join(tmpdir(), 'wb-runs-page-'));
    const store = RunStore.open(join(root, '.wb', 'runs.sqlite'));
    for (const lr of [0.1, 0.01, 0.001]) {
      const id = store.begin({ notebook: 'train.ipynb', params: { lr, word: 'bank' } });
      for (let step = 0; step < 5; step++) store.logMetric(id, 'loss', 1 / (1 + lr * 10 * step), step);
      store.logMetric(id, 'accuracy', 0.5 + lr, 4);
      store.finish(id, { status: 'ok', backend: 'wasm', seeds: [42] });
    }
    store.close();
    wb = await startWorkbench({ root, port: 0 });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await wb?.close();
  });

  it('compares two selected runs: the differing parameter highlighted, metrics plotted by step', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`http://127.0.0.1:${wb.port}/runs?token=${wb.token}`);
    await page.waitForSelector('.wb-runs-table tbody tr');
    expect(await page.locator('.wb-runs-table tbody tr').count()).toBe(3);
    await page.locator('tr[data-run="3"] input[type=checkbox]').check();
    await page.locator('tr[data-run="1"] input[type=checkbox]').check();
    await page.waitForSelector('.wb-run-charts svg');
    // The table: lr and the metrics highlighted in the selected rows, word (the same everywhere) not.
    const highlighted = await page.locator('.wb-runs-table td.wb-diff').allTextContents();
    // Runs 3 and 1 (newest first): lr, final accuracy, final loss.
    expect(highlighted).toEqual(['0.001', '0.501', '0.9615', '0.1', '0.6', '0.2']);
    // The comparison: only the differences, lr among them.
    const fields = await page.locator('.wb-compare-table tbody tr').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.field));
    expect(fields).toContain('param.lr');
    expect(fields).not.toContain('param.word');
    expect(await page.locator('.wb-compare-table tr[data-field="param.lr"]').getAttribute('class')).toBe('wb-diff');
    // One chart per metric, with a line per run.
    expect(await page.locator('.wb-run-charts h2').allTextContents()).toEqual(['accuracy', 'loss']);
    if (process.env.WB_SCREENSHOTS) {
      mkdirSync(process.env.WB_SCREENSHOTS, { recursive: true });
      await page.screenshot({ path: join(process.env.WB_SCREENSHOTS, 'runs-compare.png'), fullPage: true });
    }
    expect(errors).toEqual([]);
  });
});
