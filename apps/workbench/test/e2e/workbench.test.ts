/**
 * The workbench in Debian's Chromium, end to end: `wb serve` (the built CLI) over a copy of
 * the example notebooks, driven with Playwright. Set WB_SCREENSHOTS=<folder> to keep
 * screenshots of the main views.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, launchChromium } from '../../../../test/support/browser.js';
import { hasShared } from '../../../../test/support/shared.js';
import { serializeNotebook } from '../../src/notebook/io.js';
import { emptyNotebook, newCell } from '../../src/notebook/new.js';
import type { CellType } from '../../src/notebook/types.js';
import { notebooksCopy, startServe, type RunningWorkbench } from '../support/workbench.js';

const screenshots = process.env.WB_SCREENSHOTS;
const run = browserAvailable() && hasShared('fixtures', 'tiny-bert');

let wb: RunningWorkbench;
let browser: Browser;
let context: BrowserContext;
const pageErrors: string[] = [];

async function shot(page: Page, name: string, selector?: string): Promise<void> {
  if (!screenshots) return;
  mkdirSync(screenshots, { recursive: true });
  const path = join(screenshots, `${name}.png`);
  if (selector) await page.locator(selector).first().screenshot({ path });
  else await page.screenshot({ path });
}

function writeNotebook(name: string, cells: Array<[CellType, string]>): void {
  const nb = emptyNotebook();
  nb.cells = cells.map(([type, source]) => newCell(type, source));
  writeFileSync(join(wb.dir, name), serializeNotebook(nb));
}

async function openNotebook(name: string): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(`${wb.origin}/notebooks/${name}`);
  await page.waitForSelector('.wb-cell');
  await page.waitForSelector('.wb-kernel[data-state=idle]', { timeout: 30_000 });
  return page;
}

async function waitIdle(page: Page, timeout = 60_000): Promise<void> {
  await page.waitForFunction(
    () => document.querySelectorAll('.wb-running').length === 0 && (document.querySelector('.wb-kernel') as HTMLElement)?.dataset.state === 'idle',
    null,
    { timeout },
  );
}

const cell = (page: Page, index: number) => page.locator('.wb-cell').nth(index);

(run ? describe : describe.skip)('the workbench in Chromium', () => {
  beforeAll(async () => {
    wb = await startServe(notebooksCopy(true));
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    // The token only once, as a person opening the printed URL: the page keeps it as a cookie.
    const first = await context.newPage();
    await first.goto(wb.url);
    await first.waitForSelector('.wb-files a');
    await first.close();
  });

  afterAll(async () => {
    await browser?.close();
    await wb?.stop();
  });

  it('answers 403 without the token, to the page, the API and the websocket', async () => {
    const stranger = await browser.newPage();
    const response = await stranger.goto(`${wb.origin}/`);
    expect(response?.status()).toBe(403);
    expect(await stranger.textContent('body')).toContain('403 Forbidden');
    const api = await stranger.evaluate(async () => (await fetch('/api/contents')).status);
    expect(api).toBe(403);
    const ws = await stranger.evaluate(
      () =>
        new Promise<string>((resolve) => {
          const socket = new WebSocket(`ws://${location.host}/api/sessions/00000000-0000-0000-0000-000000000000/ws`);
          socket.onopen = () => resolve('open');
          socket.onerror = () => resolve('refused');
        }),
    );
    expect(ws).toBe('refused');
    await stranger.close();
  });

  it('lists the notebooks, opens one, runs all, and shows tables, Plot SVGs and the attention view', async () => {
    const home = await context.newPage();
    await home.goto(`${wb.origin}/`);
    expect(home.url()).not.toContain('token=');
    await expect.poll(() => home.locator('.wb-file-name').allTextContents()).toContain('01-bert-from-the-inside.ipynb');
    await shot(home, 'home');
    await home.click('text=01-bert-from-the-inside.ipynb');
    await home.waitForSelector('.wb-kernel[data-state=idle]', { timeout: 30_000 });
    await expect.poll(() => home.textContent('.wb-backend')).toBe('wasm');
    await home.click('button[data-action=clear]');
    expect(await home.locator('.wb-output').count()).toBe(0);
    await home.click('button[data-action=run-all]');
    await waitIdle(home);
    expect(await home.locator('.wb-output-error').count()).toBe(0);
    // Plot's charts (an SVG, or a figure with a legend), drawn by the kernel and shown inline.
    expect(await home.locator('.wb-outputs svg g[aria-label="line"]').count()).toBe(1);
    expect(await home.locator('.wb-outputs svg g[aria-label="bar"]').count()).toBe(1);
    expect(await home.locator('.wb-mime[data-mime="image/svg+xml"] svg').count()).toBeGreaterThanOrEqual(2);
    expect(await home.locator('table.wb-table').count()).toBeGreaterThanOrEqual(3);
    await expect.poll(() => home.locator('table.wb-table').first().locator('td').first().textContent()).toBe('0');
    expect(await home.locator('.wb-prompt').first().textContent()).toBe('');
    expect(await cell(home, 1).locator('.wb-prompt').first().textContent()).toBe('[1]:');
    await shot(home, 'notebook-run-all');
    await home.locator('.wb-cell').filter({ hasText: 'views.attention' }).first().scrollIntoViewIfNeeded();
    await shot(home, 'attention-view', '.wb-cell:has-text("views.attention") .wb-outputs');
    await shot(home, 'fill-mask-table-and-plot', '.wb-cell:has-text("fillMask") .wb-outputs');
    await home.close();
  });

  it('shows the embedding projection and the similarity heatmap', async () => {
    const page = await openNotebook('02-bank-and-bat.ipynb');
    await page.click('button[data-action=run-all]');
    await waitIdle(page);
    expect(await page.locator('.wb-output-error').count()).toBe(0);
    await shot(page, 'pca-projection', '.wb-cell:has-text("views.embeddings") .wb-outputs');
    await shot(page, 'similarity-heatmap', '.wb-cell:has-text("views.similarity(vectors") .wb-outputs');
    await page.close();
  });

  it('updates progress bars and training curves while the cell runs', async () => {
    const page = await openNotebook('00-workbench-tour.ipynb');
    await page.click('button[data-action=clear]');
    await page.click('button[data-action=run-all]');
    const curveCell = page.locator('.wb-cell').filter({ hasText: 'trainingCurve' });
    // The curve is drawn while the loop runs, then redrawn with more points.
    await curveCell.locator('g[aria-label="line"]').first().waitFor({ timeout: 30_000 });
    await waitIdle(page);
    expect(await page.locator('.wb-output-error').count()).toBe(0);
    await expect.poll(() => page.locator('.wb-progress span').first().textContent()).toMatch(/^checking 5\/5 · 100%/);
    await expect.poll(() => curveCell.locator('.wb-output').last().textContent()).toContain('"w"');
    await shot(page, 'training-curve', '.wb-cell:has-text("trainingCurve") .wb-outputs');
    expect(await curveCell.locator('.wb-stderr').count()).toBe(0);
    await page.evaluate(() => window.scrollTo(0, 0));
    await shot(page, 'tour-top');
    await page.close();
  });

  it('interrupts a while(true) cell and keeps the state; restart clears it', async () => {
    writeNotebook('loop.ipynb', [
      ['code', 'let spins = 0;'],
      ['code', 'while (true) {\n  spins++;\n}'],
      ['code', 'spins > 0'],
    ]);
    const page = await openNotebook('loop.ipynb');
    await page.click('button[data-action=run-all]');
    await page.waitForSelector('.wb-kernel[data-state=busy]');
    await page.waitForTimeout(300);
    await page.click('button[data-action=interrupt]');
    await waitIdle(page);
    await expect.poll(() => cell(page, 1).locator('.wb-traceback').textContent()).toContain('Interrupt: the cell was interrupted');
    // Cells queued behind the interrupted one did not run.
    expect(await cell(page, 2).locator('.wb-prompt').first().textContent()).toBe('[ ]:');
    await cell(page, 2).locator('.cm-content').click();
    await page.keyboard.press('Control+Enter');
    await expect.poll(() => cell(page, 2).locator('.wb-output').textContent()).toBe('true');
    await shot(page, 'interrupted');
    await page.click('button[data-action=restart]');
    await page.waitForSelector('.wb-toast');
    await waitIdle(page);
    await cell(page, 2).locator('.cm-content').click();
    await page.keyboard.press('Control+a');
    await page.keyboard.type('typeof spins');
    await page.keyboard.press('Control+Enter');
    await expect.poll(() => cell(page, 2).locator('.wb-output').textContent()).toBe("'undefined'");
    await page.close();
  });

  it('reports a crashed kernel, keeps the notebook, and restarts', async () => {
    writeNotebook('crash.ipynb', [['code', 'process.exit(7)'], ['code', '6 * 7']]);
    const page = await openNotebook('crash.ipynb');
    await cell(page, 0).locator('.cm-content').click();
    await page.keyboard.press('Control+Enter');
    await page.waitForSelector('.wb-kernel[data-state=dead]');
    await expect.poll(() => page.textContent('.wb-banner')).toContain('The kernel stopped');
    await expect.poll(() => cell(page, 0).locator('.wb-traceback').textContent()).toContain('exit code 7');
    await shot(page, 'kernel-died');
    await page.click('.wb-banner button');
    await page.waitForSelector('.wb-kernel[data-state=idle]', { timeout: 30_000 });
    await cell(page, 1).locator('.cm-content').click();
    await page.keyboard.press('Control+Enter');
    await expect.poll(() => cell(page, 1).locator('.wb-output').textContent()).toBe('42');
    expect(await page.locator('.wb-cell').count()).toBe(2);
    await page.close();
  });

  it('never loses an edit: reload right after typing, and the autosave reaches the disk', async () => {
    writeNotebook('edit.ipynb', [['code', '// start'], ['markdown', '# Notes']]);
    const page = await openNotebook('edit.ipynb');
    await cell(page, 0).locator('.cm-content').click();
    await page.keyboard.press('End');
    await page.keyboard.type('\nconst typed = "kept after reload";');
    // Reload at once, before the autosave had time to run.
    await page.reload();
    await page.waitForSelector('.wb-cell');
    await expect.poll(() => cell(page, 0).locator('.cm-content').textContent()).toContain('kept after reload');
    await page.waitForSelector('.wb-save-state[data-state=saved]', { timeout: 15_000 });
    const onDisk = JSON.parse(readFileSync(join(wb.dir, 'edit.ipynb'), 'utf8'));
    expect(onDisk.cells[0].source.join('')).toBe('// start\nconst typed = "kept after reload";');
    expect(onDisk.nbformat_minor).toBe(5);
    // Ctrl-S also makes a checkpoint.
    await page.keyboard.press('Control+s');
    await expect.poll(() => page.textContent('.wb-save-state')).toBe('Saved, checkpoint made');
    await page.close();
  });

  it('has Jupyter\'s keys: B, A, M, Y, D D, Z, Shift-Enter', async () => {
    writeNotebook('keys.ipynb', [['code', '1 + 1']]);
    const page = await openNotebook('keys.ipynb');
    await cell(page, 0).locator('.cm-content').click();
    await page.keyboard.press('Shift+Enter');
    await expect.poll(() => cell(page, 0).locator('.wb-output').textContent()).toBe('2');
    // Shift-Enter on the last cell added one below, in edit mode.
    expect(await page.locator('.wb-cell').count()).toBe(2);
    await page.keyboard.type('## A heading');
    await page.keyboard.press('Escape');
    await page.keyboard.press('m');
    await page.keyboard.press('Shift+Enter');
    await expect.poll(() => cell(page, 1).locator('.wb-rendered h2').textContent()).toBe('A heading');
    await cell(page, 0).click({ position: { x: 20, y: 10 } });
    await page.keyboard.press('b');
    expect(await page.locator('.wb-cell').count()).toBe(4);
    await page.keyboard.press('a');
    expect(await page.locator('.wb-cell').count()).toBe(5);
    await page.keyboard.press('d');
    await page.keyboard.press('d');
    expect(await page.locator('.wb-cell').count()).toBe(4);
    await page.keyboard.press('z');
    expect(await page.locator('.wb-cell').count()).toBe(5);
    await page.keyboard.press('m');
    await page.keyboard.press('y');
    expect(await page.locator('.wb-cell.wb-selected.wb-code').count()).toBe(1);
    await page.close();
  });

  it('runs no script from Markdown or HTML output (<img onerror>)', async () => {
    writeNotebook('xss.ipynb', [
      ['markdown', '# Hello\n\n<img src="x" onerror="window.__pwned = (window.__pwned || 0) + 1">\n\n[link](javascript:window.__pwned=2)'],
      ['code', 'display(html(\'<b>bold</b><img src="y" onerror="window.__pwned = 3"><script>window.__pwned = 4</script>\'));\nsvg(\'<svg xmlns="http://www.w3.org/2000/svg" onload="window.__pwned = 5"><circle r="5"/></svg>\')'],
    ]);
    const page = await openNotebook('xss.ipynb');
    await page.click('button[data-action=run-all]');
    await waitIdle(page);
    await expect.poll(() => cell(page, 1).locator('b').textContent()).toBe('bold');
    await page.waitForTimeout(300);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator('[onerror], [onload], script:not([src])').count()).toBe(0);
    expect(await cell(page, 0).locator('.wb-rendered img').count()).toBe(1);
    expect(await cell(page, 0).locator('a').getAttribute('href')).toBeNull();
    expect(pageErrors).toEqual([]);
    // The same notebook exported as HTML (the toolbar's download) runs no script either: its CSP forbids them.
    await page.waitForSelector('.wb-save-state[data-state=saved]', { timeout: 15_000 });
    const exported = await context.request.get(`${wb.origin}/api/notebook/html?path=xss.ipynb`);
    expect(exported.headers()['content-disposition']).toMatch(/^attachment; filename="?xss\.html"?$/);
    const file = join(wb.dir, 'xss-export.html');
    writeFileSync(file, await exported.text());
    await page.goto(`file://${file}`);
    await expect.poll(() => page.locator('b').textContent()).toBe('bold');
    await page.waitForTimeout(300);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    await page.close();
  });
});
