/**
 * The new families in the browser kernel, in Debian's Chromium: a notebook switched to the browser
 * kernel loads tiny-{gpt2,distilbert,roberta,albert} with core's `loadModel` over the server's
 * HTTP file routes, on WebGPU and then on WebGL, and matches each reference.json: the ids, every
 * hidden state within 1e-4, and GPT-2's greedy tokens.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, launchChromium } from '../../../../test/support/browser.js';
import { hasShared } from '../../../../test/support/shared.js';
import { serializeNotebook } from '../../src/notebook/io.js';
import { emptyNotebook, newCell } from '../../src/notebook/new.js';
import { notebooksCopy, startServe, type RunningWorkbench } from '../support/workbench.js';

const FIXTURES = ['tiny-gpt2', 'tiny-distilbert', 'tiny-roberta', 'tiny-albert'];
const run = browserAvailable() && FIXTURES.every((f) => hasShared('fixtures', f));

/** The cell: for one backend, every fixture's worst hidden-state difference, id and greedy-token agreement. */
const PARITY_CELL = (backend: string) =>
  [
    "import * as tf from '@tensorflow/tfjs-core';",
    "import { loadModel } from '@wb/core/node';",
    "import { sharedPath } from '@wb/workbench/data';",
    `await tf.setBackend('${backend}');`,
    'const report = { backend: tf.getBackend(), families: {} };',
    `for (const fixture of ${JSON.stringify(FIXTURES)}) {`,
    "  const reference = await (await fetch(sharedPath('fixtures', fixture, 'reference.json'))).json();",
    "  const model = await loadModel(sharedPath('fixtures', fixture));",
    '  const features = await model.features(reference.cases.map((c) => c.text), { allLayers: true, batchSize: reference.cases.length });',
    '  let worst = 0;',
    '  let idsMatch = true;',
    '  features.forEach((f, i) => {',
    '    const c = reference.cases[i];',
    '    idsMatch &&= JSON.stringify(f.ids) === JSON.stringify(c.ids);',
    '    f.hiddenStates.forEach((layer, l) => layer.forEach((row, t) => row.forEach((x, d) => (worst = Math.max(worst, Math.abs(x - c.hidden_states[l][t][d]))))));',
    '  });',
    '  const entry = { family: model.family, cases: features.length, worst, idsMatch };',
    "  if (model.family === 'gpt2') {",
    '    const c = reference.cases[0];',
    '    entry.greedyMatch = JSON.stringify((await model.generate(c.text, { maxNewTokens: 8, stopAtEos: false })).newIds) === JSON.stringify(c.greedy_ids);',
    '  }',
    '  model.dispose();',
    '  report.families[fixture] = entry;',
    '}',
    'report',
  ].join('\n');

let wb: RunningWorkbench;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

const cell = (index: number) => page.locator('.wb-cell').nth(index);

async function runCell(index: number): Promise<void> {
  await cell(index).locator('.cm-content').click();
  await page.keyboard.press('Control+Enter');
}

async function waitIdle(timeout: number): Promise<void> {
  await page.waitForFunction(
    () => document.querySelectorAll('.wb-running').length === 0 && (document.querySelector('.wb-kernel') as HTMLElement)?.dataset.state === 'idle',
    null,
    { timeout },
  );
}

(run ? describe : describe.skip)('GPT-2, DistilBERT, RoBERTa and ALBERT in the browser kernel', () => {
  beforeAll(async () => {
    wb = await startServe(notebooksCopy(false));
    const nb = emptyNotebook();
    nb.cells = [newCell('code', PARITY_CELL('webgpu')), newCell('code', PARITY_CELL('webgl'))];
    writeFileSync(join(wb.dir, 'families.ipynb'), serializeNotebook(nb));
    browser = await launchChromium();
    page = await (await browser.newContext()).newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(wb.url);
    await page.goto(`${wb.origin}/notebooks/families.ipynb`);
    await page.waitForSelector('.wb-kernel[data-state=idle]', { timeout: 60_000 });
    await page.selectOption('.wb-kernel-picker', 'browser');
    await page.waitForFunction(() => document.querySelector('.wb-kernel-name')?.textContent === 'Browser kernel');
    await page.waitForSelector('.wb-kernel[data-state=idle]', { timeout: 60_000 });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await wb?.stop();
  });

  for (const [index, backend] of [[0, 'webgpu'], [1, 'webgl']] as const) {
    it(`matches every reference.json on ${backend}`, { timeout: 600_000 }, async () => {
      await runCell(index);
      await waitIdle(540_000);
      const outputs = await cell(index).locator('.wb-output').allTextContents();
      expect(outputs, outputs.join('\n')).toHaveLength(1);
      const text = outputs[0];
      expect(text.trimStart().startsWith('{'), text).toBe(true);
      const report = JSON.parse(text);
      console.log(`${backend}: ${JSON.stringify(report)}`);
      expect(report.backend).toBe(backend);
      for (const fixture of FIXTURES) {
        const entry = report.families[fixture];
        expect(entry.cases, fixture).toBeGreaterThanOrEqual(8);
        expect(entry.idsMatch, fixture).toBe(true);
        expect(entry.worst, `${fixture} on ${backend}`).toBeLessThanOrEqual(1e-4);
        if (fixture === 'tiny-gpt2') expect(entry.greedyMatch).toBe(true);
      }
      expect(pageErrors).toEqual([]);
    });
  }
});
