/**
 * The sweep view in Debian's Chromium: a sweep of six points (lr × seed, one point failed) as one
 * table, best loss first, re-sorted by a click on a heading; the loss plotted against the chosen
 * parameter, a dot per point that has it. Set WB_SCREENSHOTS=<folder> to keep a screenshot.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, launchChromium } from '../../../../test/support/browser.js';
import { RunStore } from '../../src/runs/store.js';
import { createSweep, recordPoint } from '../../src/runs/sweeps.js';
import { startWorkbench, type Workbench } from '../../src/server/app.js';

const run = browserAvailable();
let wb: Workbench;
let browser: Browser;
const SWEEP = 'sw-test';

(run ? describe : describe.skip)('the sweep view in Chromium', () => {
  beforeAll(async () => {
    const root = mkdtempSync(join(tmpdir(), 'wb-sweep-page-'));
    const store = RunStore.open(join(root, '.wb', 'runs.sqlite'));
    const points = [0.001, 0.01, 0.1].flatMap((lr) => [1, 2].map((runSeed) => ({ lr, runSeed })));
    createSweep(store, { id: SWEEP, spec: { notebook: 'train.ipynb', metric: 'loss', goal: 'min' }, metric: 'loss', points: points.length });
    points.forEach((params, point) => {
      const now = new Date(Date.UTC(2026, 0, 1, 0, point)).toISOString();
      const failed = point === 5;
      recordPoint(store, SWEEP, 'train.ipynb', {
        point,
        params,
        started: now,
        finished: now,
        ok: !failed,
        error: failed ? { output_type: 'error', ename: 'Error', evalue: 'loss is NaN', traceback: [] } : undefined,
        // loss: 1 + lr·10 + seed/100 (points 0..4), at steps 0 and 1.
        series: failed ? {} : { loss: [{ step: 0, value: 2 }, { step: 1, value: 1 + params.lr * 10 + params.runSeed / 100 }] },
        worker: failed ? null : `host:${100 + (point % 3)}`,
        attempts: failed ? 3 : 1,
        outputSha256: null,
      });
    });
    store.close();
    wb = await startWorkbench({ root, port: 0 });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await wb?.close();
  });

  it('lists the sweep on the runs page and shows it as one sortable table with the metric against a parameter', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`http://127.0.0.1:${wb.port}/runs?token=${wb.token}`);
    await page.waitForSelector('.wb-sweep-links a');
    await page.locator('.wb-sweep-links a', { hasText: SWEEP }).click();
    await page.waitForSelector('.wb-sweep-table tbody tr');
    const points = () => page.locator('.wb-sweep-table tbody tr').evaluateAll((rows) => rows.map((r) => Number((r as HTMLElement).dataset.point)));
    // Lowest loss first (the spec's goal is min); the failed point, without a loss, last.
    expect(await points()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(await page.locator('.wb-sweep-table th[aria-sort]').getAttribute('data-sort')).toBe('metric.loss');
    expect(await page.locator('.wb-sweep-table tr[data-point="5"] td').nth(2).textContent()).toBe('error');
    expect(await page.locator('.wb-sweep-table tr[data-point="5"] td').nth(2).getAttribute('title')).toBe('Error: loss is NaN');
    // A click on "loss" turns the order around; on "runSeed", ascending by seed, then by point.
    await page.locator('.wb-sweep-table th[data-sort="metric.loss"]').click();
    expect(await points()).toEqual([4, 3, 2, 1, 0, 5]);
    await page.locator('.wb-sweep-table th[data-sort="param.runSeed"]').click();
    expect(await points()).toEqual([0, 2, 4, 1, 3, 5]);
    expect(await page.locator('.wb-sweep-table th[data-sort="param.runSeed"]').getAttribute('aria-sort')).toBe('ascending');
    // The loss against lr: five dots (the failed point has no loss), on a log axis (lr spans 100×).
    const chart = page.locator('.wb-sweep-chart .wb-run-chart');
    expect(await chart.getAttribute('data-param')).toBe('lr');
    expect(await chart.locator('circle').count()).toBe(5);
    expect(await chart.locator('h2').textContent()).toBe('loss against lr');
    await page.locator('.wb-sweep-param-select').selectOption('runSeed');
    await page.waitForSelector('.wb-sweep-chart .wb-run-chart[data-param="runSeed"]');
    expect(await page.locator('.wb-sweep-chart .wb-run-chart').count()).toBe(1);
    if (process.env.WB_SCREENSHOTS) {
      mkdirSync(process.env.WB_SCREENSHOTS, { recursive: true });
      await page.screenshot({ path: join(process.env.WB_SCREENSHOTS, 'sweep-view.png'), fullPage: true });
    }
    expect(errors).toEqual([]);
  });
});
