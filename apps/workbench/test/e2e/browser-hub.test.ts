/**
 * Hub ids in the browser kernel (Chromium), against a mock hub on 127.0.0.1 serving the tiny-bert
 * fixture: a cell's `loadModel('org/name', { revision })` goes through `wb serve`'s hub route, which
 * downloads into the server's hub cache; with the hub stopped, the same cell loads from that cache
 * and `loadHubModelOr` falls back for a model the cache lacks. The notebook then runs in the Node
 * kernel (`wb run`, the same cache): the same outputs and the same hub commit in the run record.
 * The route itself: the token, the XSRF header for the download, nothing outside the repository's
 * cache folder.
 */
import { request } from 'node:http';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, launchChromium } from '../../../../test/support/browser.js';
import { folderFiles, startMockHub, type MockHub } from '../../../../test/support/mock-hub.js';
import { hasShared, sharedPath } from '../../../../test/support/shared.js';
import { parseNotebook, serializeNotebook } from '../../src/notebook/io.js';
import { emptyNotebook, newCell } from '../../src/notebook/new.js';
import type { Notebook } from '../../src/notebook/types.js';
import { compareNotebooks } from '../../src/notebook/verify.js';
import { notebooksCopy, startServe, wbRun, type RunningWorkbench } from '../support/workbench.js';

const run = browserAvailable() && hasShared('fixtures', 'tiny-bert');

let hub: MockHub;
let commit: string;
let wb: RunningWorkbench;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];
const out = mkdtempSync(join(tmpdir(), 'wb-browser-hub-'));
const saved = { ...process.env };

const NOTEBOOK = 'hub.ipynb';
const cells = [
  [
    "import { initBackend } from '@wb/core';",
    "import { loadModel } from '@wb/core/node';",
    'await initBackend();',
    "const bert = await loadModel('wb-test/tiny-bert', { revision: 'v1' });",
    "const [river] = await bert.embed(['The fisherman sat on the bank of the river.']);",
    '({ family: bert.family, words: river.words.length, bank: Array.from(river.words[5].layers.at(-1).slice(0, 6)) })',
  ].join('\n'),
  [
    "import { loadHubModelOr } from '@wb/core';",
    "import { sharedPath } from '@wb/workbench/data';",
    "const fallback = await loadHubModelOr('wb-test/not-cached', sharedPath('fixtures', 'tiny-bert'), loadModel);",
    "(await fallback.embed(['a bank loan']))[0].words.map((w) => w.layers.at(-1)[0])",
  ].join('\n'),
];

/** float32 on WebGPU against float32 in WebAssembly, through two layers: a few parts in a thousand. */
const TOLERANCE = { rtol: 5e-3, atol: 5e-3 };

async function waitIdle(timeout = 120_000): Promise<void> {
  await page.waitForFunction(
    () => document.querySelectorAll('.wb-running, .wb-queued').length === 0 && (document.querySelector('.wb-kernel') as HTMLElement)?.dataset.state === 'idle',
    null,
    { timeout, polling: 250 },
  );
}

const outputText = (nb: Notebook, index: number) => {
  const cell = nb.cells[index];
  return cell.cell_type === 'code' ? JSON.stringify(cell.outputs) : '';
};

/**
 * The notebook without progress bars (display outputs marked volatile): the UI keeps the last one
 * in the saved notebook, `wb run` does not, and neither is a result.
 */
function withoutVolatile(nb: Notebook): Notebook {
  const volatile = (o: { metadata?: unknown }) => (o.metadata as { wb?: { volatile?: boolean } } | undefined)?.wb?.volatile === true;
  return { ...nb, cells: nb.cells.map((c) => (c.cell_type === 'code' ? { ...c, outputs: c.outputs.filter((o) => !volatile(o as { metadata?: unknown })) } : c)) };
}

/** A request sent exactly as written (fetch would resolve the dots), with the token. */
const raw = (path: string) =>
  new Promise<number>((resolve) =>
    request({ host: '127.0.0.1', port: Number(new URL(wb.origin).port), path, headers: { Authorization: `token ${wb.token}` } }, (res) => resolve(res.statusCode!)).end(),
  );

(run ? describe : describe.skip)('hub ids in the browser kernel, through the server\'s hub cache', () => {
  beforeAll(async () => {
    hub = await startMockHub();
    commit = hub.addCommit('wb-test/tiny-bert', folderFiles(sharedPath('fixtures', 'tiny-bert'), ['reference.json']), ['main', 'v1']);
    // `wb serve` and `wb run` (child processes) share this hub and this fresh cache.
    Object.assign(process.env, { HF_ENDPOINT: hub.url, HF_HUB_CACHE: join(out, 'hub-cache'), HF_TOKEN: '', HF_HUB_OFFLINE: '' });
    wb = await startServe(notebooksCopy(false));
    const nb = emptyNotebook();
    nb.cells = cells.map((source) => newCell('code', source));
    nb.metadata.wb = { kernel: 'browser' };
    writeFileSync(join(wb.dir, NOTEBOOK), serializeNotebook(nb));
    browser = await launchChromium();
    page = await (await browser.newContext()).newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(wb.url);
  });

  afterAll(async () => {
    await browser?.close();
    await wb?.stop();
    await hub?.stop();
    process.env = saved;
  });

  it('loads a hub id in the worker through the server, then from its cache with the hub gone, as the Node kernel does', { timeout: 600_000 }, async () => {
    await page.goto(`${wb.origin}/notebooks/${NOTEBOOK}`);
    await page.waitForSelector('.wb-kernel[data-state=idle]', { timeout: 60_000 });
    expect(await page.textContent('.wb-kernel-name')).toBe('Browser kernel');

    // The hub is up: the server downloads the model into its cache.
    await page.locator('.wb-cell').nth(0).locator('.cm-content').click();
    await page.keyboard.press('Control+Enter');
    await waitIdle();
    await expect.poll(() => page.locator('.wb-cell').nth(0).locator('.wb-outputs').textContent()).toContain('"family": "bert"');
    expect(hub.count({ origin: 'cdn', method: 'GET' })).toBe(1);
    expect(hub.requests.every((r) => !r.authorization)).toBe(true);

    // The hub is gone: the model comes from the server's cache, and a model it lacks falls back.
    await hub.stop();
    await page.click('button[data-action=run-all]');
    await page.waitForSelector('.wb-kernel[data-state=busy]');
    await waitIdle();
    await page.click('button[data-action=save]');
    await expect.poll(() => page.textContent('.wb-save-state'), { timeout: 30_000 }).toMatch(/^Saved/);
    const inBrowser = parseNotebook(readFileSync(join(wb.dir, NOTEBOOK), 'utf8'), NOTEBOOK);
    expect(outputText(inBrowser, 0)).toMatch(/family.*bert/);
    expect(outputText(inBrowser, 1)).toContain(
      'model: tiny-bert (wb-test/not-cached is not in the hub cache and cannot be downloaded here: offline or the hub unreachable)',
    );
    expect(inBrowser.cells.flatMap((c) => (c.cell_type === 'code' ? c.outputs : [])).filter((o) => o.output_type === 'error')).toEqual([]);
    // The Node kernel's notice that the hub is unreachable and the cache serves, in the cell as there.
    expect(outputText(inBrowser, 0)).toMatch(/"stderr".*is unreachable \(ECONNREFUSED\); using wb-test\/tiny-bert@v1 from the cache/);

    // The Node kernel, on the same cache with the hub still gone: the same outputs.
    const target = join(out, NOTEBOOK);
    const { code, stderr } = await wbRun([join(wb.dir, NOTEBOOK), '--out', target], join(out, 'runs.sqlite'));
    expect(code, stderr).toBe(0);
    const inNode = parseNotebook(readFileSync(target, 'utf8'), target);
    expect(compareNotebooks(withoutVolatile(inBrowser), withoutVolatile(inNode), TOLERANCE)).toEqual([]);
    // Both run records name the model's repository and the commit that `v1` is.
    const models = (nb: Notebook) => (nb.metadata.wb as { run: { models?: unknown } }).run.models;
    expect(models(inBrowser)).toEqual([{ repo: 'wb-test/tiny-bert', commit }]);
    expect(models(inNode)).toEqual([{ repo: 'wb-test/tiny-bert', commit }]);
    expect(pageErrors).toEqual([]);
  });

  it('the hub route needs the token and the XSRF header, and serves nothing outside the repository\'s cache folder', async () => {
    await hub.stop(); // (already, after the first test): a model the cache lacks is then "unavailable"
    const auth = { Authorization: `token ${wb.token}` };
    const files = `/api/hub/files/models--wb-test--tiny-bert/${commit}`;
    const config = await fetch(`${wb.origin}${files}/config.json`, { headers: auth });
    expect(config.status).toBe(200);
    expect(config.headers.get('x-wb-sha256')).toMatch(/^[0-9a-f]{64}$/);
    expect(await config.text()).toBe(readFileSync(sharedPath('fixtures', 'tiny-bert', 'config.json'), 'utf8'));
    expect((await fetch(`${wb.origin}${files}/config.json`)).status).toBe(403);
    expect(await raw(`${files}/../../refs/v1`)).toBe(403);
    expect(await raw(`${files}/..%2f..%2frefs%2fv1`)).toBe(403);
    expect(await raw(`/api/hub/files/models--wb-test--tiny-bert/v1/config.json`)).toBe(404);
    expect(await raw(`/api/hub/files/..%2f..%2fetc/${commit}/passwd`)).toBe(404);
    // Cached: answered from the server's cache (the hub is stopped); a missing model is "unavailable".
    const snapshot = (body: unknown, headers: Record<string, string> = auth) =>
      fetch(`${wb.origin}/api/hub/snapshot`, { method: 'POST', headers: { ...headers, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const found = await snapshot({ id: 'wb-test/tiny-bert@v1' });
    expect(await found.json()).toEqual({ repoId: 'wb-test/tiny-bert', revision: 'v1', commit, files, notices: [expect.stringMatching(/unreachable.*from the cache/)] });
    const missing = await snapshot({ id: 'wb-test/absent' });
    expect(missing.status).toBe(503);
    expect(await missing.json()).toMatchObject({ unavailable: true, error: expect.stringContaining('wb-test/absent@main is not in the hub cache') });
    expect((await snapshot({ id: '../etc' })).status).toBe(400);
    // With the cookie (as a page sends it) but without the XSRF header: refused, nothing fetched.
    const cookie = (await fetch(wb.url, { redirect: 'manual' })).headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const forged = await snapshot({ id: 'wb-test/tiny-bert' }, { Cookie: cookie });
    expect(forged.status).toBe(403);
    expect((await forged.json()).error).toContain('needs the X-XSRFToken header');
    expect((await snapshot({ id: 'wb-test/tiny-bert' }, {})).status).toBe(403);
  });
});
