/**
 * The browser kernel in Debian's Chromium, end to end: a notebook switched to it in the toolbar runs
 * `@wb/core` on the tiny BERT fixture in a Web Worker on WebGPU (asked for in the address; by
 * default wasm where the GPU is emulated on the CPU), shows the backend,
 * interrupts a `while (true) {}` cell through the shared interrupt flag (the state survives), keeps
 * the choice in the notebook, and a worker that ends is reported and restarts.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, launchChromium } from '../../../../test/support/browser.js';
import { hasShared } from '../../../../test/support/shared.js';
import { serializeNotebook } from '../../src/notebook/io.js';
import { emptyNotebook, newCell } from '../../src/notebook/new.js';
import { notebooksCopy, startServe, type RunningWorkbench } from '../support/workbench.js';

const run = browserAvailable() && hasShared('fixtures', 'tiny-bert');

let wb: RunningWorkbench;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

const cell = (index: number) => page.locator('.wb-cell').nth(index);

async function runCell(index: number): Promise<void> {
  await cell(index).locator('.cm-content').click();
  await page.keyboard.press('Control+Enter');
}

async function waitIdle(timeout = 30_000): Promise<void> {
  await page.waitForFunction(
    () => document.querySelectorAll('.wb-running').length === 0 && (document.querySelector('.wb-kernel') as HTMLElement)?.dataset.state === 'idle',
    null,
    { timeout },
  );
}

(run ? describe : describe.skip)('the browser kernel in Chromium', () => {
  beforeAll(async () => {
    wb = await startServe(notebooksCopy(false));
    const nb = emptyNotebook();
    nb.cells = [
      newCell(
        'code',
        [
          "import { initBackend, backendName } from '@wb/core';",
          "import { loadBert } from '@wb/core/node';",
          "import { sharedPath } from '@wb/workbench/data';",
          'await initBackend();',
          "const bert = await loadBert(sharedPath('fixtures', 'tiny-bert'));",
          "const [river] = await bert.embed(['The fisherman sat on the bank of the river.']);",
          '({ backend: backendName(), words: river.words.length, dim: river.words[0].layers.at(-1).length })',
        ].join('\n'),
      ),
      newCell('code', 'let spins = 0;\nwhile (true) {\n  spins++;\n}'),
      newCell('code', 'spins > 0'),
      newCell('code', 'close()'),
      newCell('code', "import { tf } from '@wb/core';\ntf.square(tf.tensor1d([1, 2, 3])).dataSync().join(',')"),
      newCell(
        'code',
        [
          "import { modelsDir, sharedPath } from '@wb/workbench/data';",
          "import { sharedPath as oldPath } from '@wb/core/node';",
          "[sharedPath('data', 'sst2'), oldPath('data', 'sst2'), modelsDir()].join(' ')",
        ].join('\n'),
      ),
      newCell(
        'code',
        [
          "import { loadBert } from '@wb/core/node';",
          "import { cosineMatrix, evaluateSenseval } from '@wb/tasks';",
          "import { sharedPath } from '@wb/workbench/data';",
          "const tinyBert = await loadBert(sharedPath('fixtures', 'tiny-bert'));",
          'const similarities = await cosineMatrix([Float32Array.of(1, 0), Float32Array.of(1, 1)], [Float32Array.of(0, 1)]);',
          "const bankSentences = ['the bank of the river', 'a bank by the water', 'the river bank flooded', 'we sat on the bank', 'the bank lent money', 'money in the bank'];",
          'const instances = bankSentences.map((text, i) => {',
          "  const words = text.split(' ');",
          "  return { id: String(i), sense: i < 4 ? 'a_river' : 'b_money', words, target: words.indexOf('bank'), line: i + 1 };",
          '});',
          'const senseval = await evaluateSenseval(tinyBert, { bank: instances }, { folds: 3 });',
          '({ similarities: Array.from(similarities, (x) => x.toFixed(4)), mfs: senseval.macro.mfs.toFixed(4), layers: senseval.macro.layers.filter((a) => a !== null).length })',
        ].join('\n'),
      ),
    ];
    writeFileSync(join(wb.dir, 'browser.ipynb'), serializeNotebook(nb));
    browser = await launchChromium();
    const context = await browser.newContext();
    page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(wb.url);
    // On WebGPU even where Chromium emulates it (the kernel would pick wasm there): its reads are what is tested.
    await page.goto(`${wb.origin}/notebooks/browser.ipynb?backend=webgpu`);
    await page.waitForSelector('.wb-kernel[data-state=idle]', { timeout: 30_000 });
  });

  afterAll(async () => {
    await browser?.close();
    await wb?.stop();
  });

  it('switches to the browser kernel and runs @wb/core on tiny-bert on the backend asked for in the address', async () => {
    expect(await page.textContent('.wb-kernel-name')).toBe('Node kernel');
    await page.selectOption('.wb-kernel-picker', 'browser');
    await expect.poll(() => page.textContent('.wb-kernel-name')).toBe('Browser kernel');
    await page.waitForSelector('.wb-kernel[data-state=idle]', { timeout: 30_000 });
    // The page is cross-origin isolated: interrupts go through a SharedArrayBuffer.
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    const backend = (await page.textContent('.wb-backend'))!;
    expect(backend).toBe('webgpu');
    await runCell(0);
    await waitIdle();
    // The result (an embedding that took over a second also leaves its progress bar above it).
    const result = JSON.parse((await cell(0).locator('.wb-output-execute_result').textContent())!);
    expect(result).toEqual({ backend, words: 10, dim: 32 });
  });

  it('interrupts a while(true) cell and keeps the state', async () => {
    await cell(1).locator('.cm-content').click();
    await page.click('button[data-action=run-below]');
    await page.waitForSelector('.wb-kernel[data-state=busy]');
    await page.waitForTimeout(300);
    await page.click('button[data-action=interrupt]');
    await waitIdle();
    await expect.poll(() => cell(1).locator('.wb-traceback').textContent()).toContain('Interrupt: the cell was interrupted');
    // Interrupted, not restarted: no toast about lost state, and the cells behind it did not run.
    expect(await page.locator('.wb-toast').count()).toBe(0);
    expect(await cell(2).locator('.wb-prompt').first().textContent()).toBe('[ ]:');
    await runCell(2);
    await expect.poll(() => cell(2).locator('.wb-output').textContent()).toBe('true');
  });

  it('remembers the choice in the notebook', async () => {
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+s');
    await expect.poll(() => page.textContent('.wb-save-state')).toBe('Saved, checkpoint made');
    const saved = JSON.parse(readFileSync(join(wb.dir, 'browser.ipynb'), 'utf8'));
    expect(saved.metadata.wb.kernel).toBe('browser');
    expect(saved.metadata.wb.run).toMatchObject({ kernel: 'browser', packages: { '@wb/core': expect.any(String) } });
    expect(saved.metadata.wb.run.files['shared/fixtures/tiny-bert/model.safetensors'].sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('reports a worker that ended as dead, and restarts it', async () => {
    await runCell(3);
    await page.waitForSelector('.wb-kernel[data-state=dead]');
    await expect.poll(() => page.textContent('.wb-banner')).toContain('The kernel stopped');
    await page.click('.wb-banner button');
    await page.waitForSelector('.wb-kernel[data-state=idle]', { timeout: 30_000 });
    await runCell(2);
    // A new worker: the state is gone.
    await expect.poll(() => cell(2).locator('.wb-traceback').textContent()).toContain('spins is not defined');
    expect(pageErrors).toEqual([]);
  });

  it("refuses a synchronous read on WebGPU, which tfjs would answer with zeros", async () => {
    await waitIdle();
    await runCell(4);
    await waitIdle();
    await expect.poll(() => cell(4).locator('.wb-traceback').textContent()).toContain('dataSync(), arraySync() and bufferSync() cannot read a tensor on the WebGPU backend');
    // And no tfjs warning about synchronous reads shown as output.
    expect(await cell(4).locator('.wb-output-stream').count()).toBe(0);
  });

  it('says where the served data is through @wb/workbench/data, and still (deprecated) through @wb/core/node', async () => {
    await runCell(5);
    await waitIdle();
    expect(await cell(5).locator('.wb-output-execute_result').textContent()).toContain('/api/files/shared/data/sst2 /api/files/shared/data/sst2 /api/files/models');
    expect(await cell(5).locator('.wb-output-stream').textContent()).toContain(
      "sharedDir, sharedPath, shippedModelPath moved from '@wb/core/node' to '@wb/workbench/data'; import them from there (the old place is deprecated)",
    );
  });

  it('scores Senseval k-NN on the GPU: the similarity matrix is read asynchronously', async () => {
    await runCell(6);
    await waitIdle();
    const traceback = cell(6).locator('.wb-traceback');
    expect(await traceback.count(), (await traceback.allTextContents()).join('\n')).toBe(0);
    // cos((1,0),(0,1)) = 0 and cos((1,1),(0,1)) = 1/√2; the most frequent sense (4 of 6, ties alphabetical) is right 4 times in 6.
    expect(JSON.parse((await cell(6).locator('.wb-output-execute_result').textContent())!)).toEqual({ similarities: ['0.0000', '0.7071'], mfs: '0.6667', layers: 3 });
  });

  it('runs on wasm, not on a GPU emulated on the CPU, unless the address asks for a backend', async () => {
    await page.goto(`${wb.origin}/notebooks/browser.ipynb`);
    await page.waitForSelector('.wb-kernel[data-state=idle]', { timeout: 30_000 });
    expect(await page.textContent('.wb-kernel-name')).toBe('Browser kernel');
    const renderer = await page.evaluate(() => {
      const gl = document.createElement('canvas').getContext('webgl2');
      const debug = gl?.getExtension('WEBGL_debug_renderer_info');
      return gl && debug ? String(gl.getParameter(debug.UNMASKED_RENDERER_WEBGL)) : 'no WebGL2';
    });
    const backend = await page.textContent('.wb-backend');
    if (/SwiftShader|llvmpipe|no WebGL2/i.test(renderer)) expect(backend, renderer).toBe('wasm');
    else expect(['webgpu', 'webgl'], renderer).toContain(backend);
    expect(pageErrors).toEqual([]);
  });
});
