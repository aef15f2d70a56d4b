/**
 * JupyterLab habits in Debian's Chromium (issue 15): `model.` then Tab in a code cell lists the
 * model's methods and hovering a name shows its type (the server's TypeScript language service,
 * with the packages' declarations and the kernels' globals); `$…$` and `$$…$$` in Markdown are
 * typeset by KaTeX while dollar amounts and code stay as written; a fine-tuning cell shows one
 * progress bar that fills while it trains, in the Node kernel and in the browser kernel, and the
 * saved notebook keeps only its final state.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, launchChromium } from '../../../../test/support/browser.js';
import { hasShared } from '../../../../test/support/shared.js';
import { serializeNotebook } from '../../src/notebook/io.js';
import { emptyNotebook, newCell } from '../../src/notebook/new.js';
import type { Cell, Notebook } from '../../src/notebook/types.js';
import { notebooksCopy, startServe, type RunningWorkbench } from '../support/workbench.js';

const run = browserAvailable();
const withFixture = hasShared('fixtures', 'tiny-bert');

let wb: RunningWorkbench;
let browser: Browser;
let context: BrowserContext;
const pageErrors: string[] = [];

function writeNotebook(name: string, cells: Cell[]): void {
  const nb = emptyNotebook();
  nb.cells = cells;
  writeFileSync(join(wb.dir, name), serializeNotebook(nb));
}

async function openNotebook(name: string): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(`${wb.origin}/notebooks/${name}`);
  await page.waitForSelector('.wb-kernel[data-state=idle]', { timeout: 60_000 });
  return page;
}

async function waitIdle(page: Page, timeout = 240_000): Promise<void> {
  await page.waitForFunction(
    () => document.querySelectorAll('.wb-running').length === 0 && (document.querySelector('.wb-kernel') as HTMLElement)?.dataset.state === 'idle',
    null,
    { timeout },
  );
}

/**
 * 2 epochs × 32 examples / batch 4 = 16 training steps of the tiny BERT fixture (browser-safe: the
 * data is made in the cell). Two epochs, so that one bar spanning both (not one per epoch) is seen;
 * the bar's updates are throttled to 100 ms, and 16 steps take longer than that even unloaded.
 */
const FINETUNE_STEPS = 16;
const FINETUNE_EPOCHS = 2;
const finetuneCell = [
  "import { initBackend } from '@wb/core';",
  "import { loadBert } from '@wb/core/node';",
  "import { sharedPath } from '@wb/workbench/data';",
  "import { FINETUNE_DEFAULTS, prepareClassificationTask, runFinetuning } from '@wb/tasks';",
  // wasm in both kernels: these training steps on WebGPU would take minutes on SwiftShader (Chromium's CPU WebGPU).
  "await initBackend('wasm');",
  "const bert = await loadBert(sharedPath('fixtures', 'tiny-bert'));",
  "const words = ['good', 'fine', 'great', 'bad', 'dull', 'poor'];",
  "const examples = Array.from({ length: 48 }, (_, i) => ({ text: `a ${words[i % 6]} film about the river bank`, label: i % 6 < 3 ? 1 : 0 }));",
  `const settings = { ...FINETUNE_DEFAULTS, epochs: ${FINETUNE_EPOCHS}, batchSize: 4, maxLength: 32, lr: 1e-3, evalBatchSize: 16 };`,
  "const task = prepareClassificationTask('sst2', bert, { train: examples.slice(0, 32), dev: examples.slice(32), labelNames: ['negative', 'positive'] }, settings);",
  'const result = await runFinetuning(bert, task, settings);',
  'result.epochs.length',
].join('\n');

/**
 * Runs the fine-tuning cell and returns every value its progress bar showed, in order (a
 * MutationObserver sees each in-place update of the output).
 */
async function runFinetuneCell(page: Page): Promise<number[]> {
  await page.evaluate(() => {
    const outputs = document.querySelector('.wb-cell .wb-outputs')!;
    const seen: number[] = [];
    (window as unknown as { progressValues: number[] }).progressValues = seen;
    new MutationObserver(() => {
      const bar = outputs.querySelector('.wb-progress progress');
      const value = bar ? Number(bar.getAttribute('value')) : undefined;
      if (value !== undefined && seen.at(-1) !== value) seen.push(value);
    }).observe(outputs, { childList: true, subtree: true, attributes: true });
  });
  await page.locator('.wb-cell').first().locator('.cm-content').click();
  await page.keyboard.press('Control+Enter');
  await waitIdle(page);
  return page.evaluate(() => (window as unknown as { progressValues: number[] }).progressValues);
}

async function expectOneFilledBar(page: Page, name: string, values: number[]): Promise<void> {
  const cell = page.locator('.wb-cell').first();
  expect(await cell.locator('.wb-output-error').allTextContents()).toEqual([]);
  expect(await cell.locator('.wb-output').last().textContent()).toBe(String(FINETUNE_EPOCHS));
  // One output updated in place (not a line per step) that rose through intermediate values to the end.
  expect(await cell.locator('.wb-progress').count()).toBe(1);
  expect(values.at(-1)).toBe(FINETUNE_STEPS);
  expect(values.some((v) => v > 0 && v < FINETUNE_STEPS)).toBe(true);
  expect(values).toEqual([...values].sort((a, b) => a - b));
  expect(await cell.locator('.wb-progress progress').getAttribute('max')).toBe(String(FINETUNE_STEPS));
  expect(await cell.locator('.wb-progress span').textContent()).toMatch(new RegExp(`^training ${FINETUNE_STEPS}/${FINETUNE_STEPS} · 100% · [\\d.]+s$`));
  // Saved: the bar's final state only.
  await page.click('button[data-action=save]');
  const savedBars = () => {
    const saved = JSON.parse(readFileSync(join(wb.dir, name), 'utf8')) as Notebook;
    const outputs = saved.cells[0].cell_type === 'code' ? saved.cells[0].outputs : [];
    return outputs.flatMap((o) => (o.output_type === 'display_data' && String(o.data['text/html'] ?? '').includes('wb-progress') ? [String(o.data['text/plain'])] : []));
  };
  // Polled until the final bar is on disk: an autosave made while the cell ran may hold an earlier one.
  await expect
    .poll(savedBars)
    .toEqual([expect.stringMatching(new RegExp(`^training \\[#{30}\\] ${FINETUNE_STEPS}/${FINETUNE_STEPS} · 100% · [\\d.]+s$`))]);
}

(run ? describe : describe.skip)('JupyterLab habits in Chromium', () => {
  beforeAll(async () => {
    wb = await startServe(notebooksCopy(false));
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

  it("completes a model's methods and the kernels' globals, and shows types on hover", async () => {
    writeNotebook('types.ipynb', [
      newCell('code', "import { loadModel } from '@wb/core';\nconst model = await loadModel('some-folder');"),
      newCell('code', ''),
      newCell('code', 'const sentences = await model.embed(["The bank of the river."]);'),
    ]);
    const page = await openNotebook('types.ipynb');
    // The model comes from the cell above: the language service reads the cells above with this one.
    await page.locator('.wb-cell').nth(1).locator('.cm-content').click();
    await page.keyboard.type('model.');
    // Nothing opens while one types (as in JupyterLab); Tab asks.
    await page.keyboard.press('Tab');
    const list = page.locator('.cm-tooltip-autocomplete');
    await list.waitFor({ timeout: 90_000 });
    const labels = await list.locator('.cm-completionLabel').allTextContents();
    expect(labels).toEqual(expect.arrayContaining(['embed', 'fillMask', 'tokenizer', 'dispose']));
    // A name being typed narrows the list, and Enter takes the completion.
    await page.keyboard.type('fillM');
    await expect.poll(() => list.locator('.cm-completionLabel').allTextContents()).toEqual(['fillMask']);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('.wb-cell').nth(1).locator('.cm-content').textContent()).toBe('model.fillMask');
    // The kernels' globals.
    await page.keyboard.press('Enter');
    await page.keyboard.type('progr');
    await page.keyboard.press('Tab');
    await expect.poll(() => list.locator('.cm-completionLabel').allTextContents(), { timeout: 30_000 }).toContain('progress');
    await page.keyboard.press('Escape');

    // Hovering `embed` in the third cell shows its signature from @wb/core's declarations.
    const at = await page.locator('.wb-cell').nth(2).locator('.cm-content').evaluate((content) => {
      const walker = document.createTreeWalker(content, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const index = node.textContent!.indexOf('embed');
        if (index < 0) continue;
        const range = document.createRange();
        range.setStart(node, index + 2);
        range.setEnd(node, index + 3);
        const rect = range.getBoundingClientRect();
        return { x: rect.x + rect.width / 2, y: rect.y + rect.height / 2 };
      }
      throw new Error('no "embed" in the cell');
    });
    await page.mouse.move(at.x, at.y);
    const tooltip = page.locator('.cm-tooltip-hover .wb-type-signature');
    await tooltip.waitFor({ timeout: 30_000 });
    expect(await tooltip.textContent()).toBe(
      '(method) LanguageModel.embed(inputs: Array<string | string[]>, options?: EmbedOptions): Promise<EmbeddedSentence[]>',
    );
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it('typesets $…$ and $$…$$ in Markdown with KaTeX, leaving dollar amounts and code alone', async () => {
    writeNotebook('math.ipynb', [
      newCell('markdown', 'Energy is $E=mc^2$; the tickets cost $5 and $10; in code `$x$` stays.\n\n$$\n\\sum_{i=1}^{n} x_i\n$$\n\n```\nconst price = "$3";\n```'),
    ]);
    const page = await openNotebook('math.ipynb');
    const rendered = page.locator('.wb-cell .wb-rendered');
    await rendered.locator('.katex').first().waitFor();
    expect(await rendered.locator('.katex').count()).toBe(2);
    expect(await rendered.locator('.katex-display').count()).toBe(1);
    // The TeX each formula came from (KaTeX keeps it in the MathML annotation).
    expect(await rendered.locator('annotation').allTextContents()).toEqual(['E=mc^2', '\\sum_{i=1}^{n} x_i']);
    expect(await rendered.locator('p').first().textContent()).toContain('the tickets cost $5 and $10; in code $x$ stays.');
    expect(await rendered.locator('p code').textContent()).toBe('$x$');
    expect(await rendered.locator('pre code').textContent()).toBe('const price = "$3";\n');
    // KaTeX's style sheet and fonts are served (and allowed by the page's CSP).
    expect(await rendered.locator('.katex').first().evaluate((el) => getComputedStyle(el).fontFamily)).toMatch(/KaTeX_Main/);
    expect(await rendered.locator('.katex-mathml').first().evaluate((el) => getComputedStyle(el).position)).toBe('absolute');
    expect(await page.evaluate(async () => (await document.fonts.load('16px KaTeX_Main', 'E')).length)).toBeGreaterThan(0);
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  (withFixture ? it : it.skip)('shows a fine-tuning cell’s progress as one bar that fills, in the Node kernel', async () => {
    writeNotebook('finetune-node.ipynb', [newCell('code', finetuneCell)]);
    const page = await openNotebook('finetune-node.ipynb');
    const values = await runFinetuneCell(page);
    await expectOneFilledBar(page, 'finetune-node.ipynb', values);
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  (withFixture ? it : it.skip)('and in the browser kernel', async () => {
    writeNotebook('finetune-browser.ipynb', [newCell('code', finetuneCell)]);
    const page = await openNotebook('finetune-browser.ipynb');
    await page.selectOption('.wb-kernel-picker', 'browser');
    await expect.poll(() => page.textContent('.wb-kernel-name')).toBe('Browser kernel');
    await page.waitForSelector('.wb-kernel[data-state=idle]', { timeout: 60_000 });
    const values = await runFinetuneCell(page);
    await expectOneFilledBar(page, 'finetune-browser.ipynb', values);
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});
