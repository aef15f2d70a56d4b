/**
 * Every example notebook, run in both kernels, gives the same numbers: once by the Node kernel
 * (`runNotebook`, as `wb run` does), once by the Browser kernel in Debian's Chromium (picked in the
 * toolbar, "Run all", saved), then compared as `wb run --verify` compares (numbers within a
 * tolerance, in text, JSON, HTML and SVG; everything else equal). The Browser kernel runs on
 * WebGPU when Chromium has it (SwiftShader without a GPU), where a synchronous read used to come
 * back as zeros: notebook 02's static similarity matrix was all 0.00 instead of 1.00/0.32.
 *
 * Slow (minutes per notebook on a CPU): WB_PARITY_NOTEBOOKS=02,04 runs only the notebooks whose
 * names start with those prefixes.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, launchChromium } from '../../../../test/support/browser.js';
import { hasShared } from '../../../../test/support/shared.js';
import { runNotebook } from '../../src/notebook/execute.js';
import { parseNotebook } from '../../src/notebook/io.js';
import type { Notebook } from '../../src/notebook/types.js';
import { compareNotebooks } from '../../src/notebook/verify.js';
import { notebooksCopy, repoNotebooks, startServe, type RunningWorkbench } from '../support/workbench.js';

/**
 * float32 on the GPU against float32 in WebAssembly, through 4-layer encoders, PCA and plot
 * scales: a few parts in a thousand. A wrong result (0.00 for 0.32) is far outside.
 */
const TOLERANCE = { rtol: 5e-3, atol: 5e-3 };

/** Notebooks the Browser kernel cannot run yet, and why (each must say what is missing). */
const NOT_IN_THE_BROWSER: Record<string, string> = {
  '03-sentiment.ipynb':
    "fine-tuning: @wb/core's Trainer.step() reads each loss with dataSync(), which WebGPU cannot do (the kernel refuses it); and 2,000 SST-2 sentences take too long on SwiftShader",
};

const only = process.env.WB_PARITY_NOTEBOOKS?.split(',').filter(Boolean);
const notebooks = readdirSync(repoNotebooks)
  .filter((f) => f.endsWith('.ipynb'))
  .filter((f) => !only || only.some((prefix) => f.startsWith(prefix)))
  .sort();
const run = browserAvailable() && hasShared('data');

let wb: RunningWorkbench;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

async function runInBrowserKernel(name: string): Promise<Notebook> {
  await page.goto(`${wb.origin}/notebooks/${encodeURIComponent(name)}`);
  await page.waitForSelector('.wb-kernel[data-state=idle]', { timeout: 60_000 });
  if ((await page.textContent('.wb-kernel-name')) !== 'Browser kernel') {
    await page.selectOption('.wb-kernel-picker', 'browser');
    await expect.poll(() => page.textContent('.wb-kernel-name')).toBe('Browser kernel');
    await page.waitForSelector('.wb-kernel[data-state=idle]', { timeout: 60_000 });
  }
  await page.click('button[data-action=run-all]');
  await page.waitForSelector('.wb-kernel[data-state=busy]');
  await page.waitForFunction(
    () => document.querySelectorAll('.wb-running, .wb-queued').length === 0 && (document.querySelector('.wb-kernel') as HTMLElement)?.dataset.state === 'idle',
    null,
    { timeout: 900_000, polling: 500 },
  );
  await page.click('button[data-action=save]');
  await expect.poll(() => page.textContent('.wb-save-state'), { timeout: 30_000 }).toMatch(/^Saved/);
  return parseNotebook(readFileSync(join(wb.dir, name), 'utf8'), name);
}

(run ? describe : describe.skip)('every example notebook gives the same numbers in the Node and the Browser kernel', () => {
  beforeAll(async () => {
    wb = await startServe(notebooksCopy(true));
    browser = await launchChromium();
    page = await (await browser.newContext()).newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(wb.url);
  });

  afterAll(async () => {
    await browser?.close();
    await wb?.stop();
  });

  for (const name of notebooks) {
    const gap = NOT_IN_THE_BROWSER[name];
    (gap ? it.skip : it)(`${name}${gap ? ` (not yet in the browser: ${gap})` : ''}`, { timeout: 1_800_000 }, async () => {
      const source = parseNotebook(readFileSync(join(repoNotebooks, name), 'utf8'), name);
      const inNode = await runNotebook(source, repoNotebooks, { log: () => {} });
      expect(inNode.error, `the Node kernel failed on ${name}`).toBeUndefined();
      const inBrowser = await runInBrowserKernel(name);
      const record = (inBrowser.metadata.wb as { run?: { kernel?: string; backend?: string } }).run;
      expect(record?.kernel).toBe('browser');
      // On a GPU backend (WebGPU with Chromium's SwiftShader when there is no GPU), not on wasm like Node.
      expect(['webgpu', 'webgl']).toContain(record?.backend);
      const errors = inBrowser.cells.flatMap((c) => (c.cell_type === 'code' ? c.outputs : [])).filter((o) => o.output_type === 'error' || (o.output_type === 'stream' && o.name === 'stderr'));
      expect(errors, `the Browser kernel printed errors or warnings in ${name}`).toEqual([]);
      // A cell that shows which backend it ran on differs by design (wasm in Node, a GPU backend here).
      const differences = compareNotebooks(inNode.notebook, inBrowser, TOLERANCE).filter((d) => !/\.backend: "wasm" is now "(webgpu|webgl)"/.test(d.what));
      expect(differences).toEqual([]);
      expect(pageErrors).toEqual([]);
    });
  }
});
