/**
 * What the server gives the browser kernel: cells transpiled (`/api/transpile`), read-only files
 * from the shared data, the shipped models and the notebooks folder (`/api/files/…`, nothing outside
 * them), tfjs' wasm binaries and the worker under a policy of their own, and cross-origin isolated
 * pages (for the SharedArrayBuffer interrupt flag). Everything needs the token, as the rest does.
 */
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasShared, sharedPath } from '../../../test/support/shared.js';
import { startWorkbench, type Workbench } from '../src/server/app.js';

let wb: Workbench;
let base: string;
const auth = () => ({ Authorization: `token ${wb.token}` });
const root = mkdtempSync(join(tmpdir(), 'wb-files-'));

beforeAll(async () => {
  mkdirSync(join(root, 'data'));
  writeFileSync(join(root, 'data', 'words.tsv'), 'bank\tbat\n');
  symlinkSync('/etc', join(root, 'escape'));
  wb = await startWorkbench({ root, port: 0 });
  base = `http://127.0.0.1:${wb.port}`;
});
afterAll(() => wb.close());

describe('POST /api/transpile', () => {
  const transpile = (code: unknown, headers: Record<string, string> = auth()) =>
    fetch(`${base}/api/transpile`, { method: 'POST', headers: { ...headers, 'Content-Type': 'application/json' }, body: JSON.stringify({ code }) });

  it('returns the rewritten cell and its source map', async () => {
    const response = await transpile('const x: number = 1;\nx + 1');
    expect(response.status).toBe(200);
    const { cell } = await response.json();
    expect(cell.declared).toEqual(['x']);
    expect(cell.hasResult).toBe(true);
    expect(cell.code).toMatch(/^\(async function \(\) \{/);
    expect(typeof cell.mappings).toBe('string');
  });

  it('returns a syntax error with where it is', async () => {
    const { syntaxError } = await (await transpile('const a = 1;\nconst b = ;')).json();
    expect(syntaxError).toMatchObject({ line: 2, column: 10 });
  });

  it('needs the token and a cell', async () => {
    expect((await transpile('1', {})).status).toBe(403);
    expect((await transpile(42)).status).toBe(400);
  });
});

describe('GET /api/files', () => {
  const get = (path: string, init: RequestInit = {}) => fetch(`${base}/api/files/${path}`, { ...init, headers: { ...auth(), ...(init.headers ?? {}) } });
  /** The status of a request sent as written (fetch would resolve the dots before sending). */
  const raw = (path: string) =>
    new Promise<number>((resolve) => request({ host: '127.0.0.1', port: wb.port, path: `/api/files/${path}`, headers: auth() }, (res) => resolve(res.statusCode!)).end());

  it('serves a file as bytes with its sha256, and a folder as a listing', async () => {
    const file = await get('notebooks/data/words.tsv');
    expect(file.status).toBe(200);
    expect(file.headers.get('x-wb-kind')).toBe('file');
    expect(file.headers.get('content-type')).toBe('application/octet-stream');
    expect(file.headers.get('content-security-policy')).toBe('sandbox');
    expect(file.headers.get('x-wb-sha256')).toBe(createHash('sha256').update('bank\tbat\n').digest('hex'));
    expect(await file.text()).toBe('bank\tbat\n');
    const folder = await get('notebooks/data');
    expect(folder.headers.get('x-wb-kind')).toBe('folder');
    expect((await folder.json()).entries).toEqual([{ name: 'words.tsv', kind: 'file' }]);
    const head = await get('notebooks/data', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('x-wb-kind')).toBe('folder');
  });

  it('refuses paths outside the roots, and needs the token', async () => {
    expect((await get('notebooks/missing.txt')).status).toBe(404);
    expect(await raw('notebooks/../../etc/passwd')).toBe(403);
    expect(await raw('notebooks/%2e%2e/%2e%2e/etc/passwd')).toBe(403);
    expect(await raw('notebooks/..%2f..%2fetc%2fpasswd')).toBe(403);
    expect((await get('notebooks/escape/passwd')).status).toBe(403);
    expect((await get('etc/passwd')).status).toBe(404);
    expect((await fetch(`${base}/api/files/notebooks/data/words.tsv`)).status).toBe(403);
  });

  it.runIf(hasShared('fixtures', 'tiny-bert'))('serves the shared fixtures', async () => {
    const config = await get('shared/fixtures/tiny-bert/config.json');
    expect(config.status).toBe(200);
    expect(await config.text()).toBe(readFileSync(sharedPath('fixtures', 'tiny-bert', 'config.json'), 'utf8'));
  });
});

describe('the browser kernel\'s assets and headers', () => {
  it('serves tfjs\' wasm binaries, and only those, with the worker\'s policy', async () => {
    const wasm = await fetch(`${base}/assets/kernel/tfjs-wasm/tfjs-backend-wasm.wasm`, { headers: auth() });
    expect(wasm.status).toBe(200);
    expect(wasm.headers.get('content-type')).toBe('application/wasm');
    expect(wasm.headers.get('content-security-policy')).toContain("'wasm-unsafe-eval'");
    expect((await fetch(`${base}/assets/kernel/tfjs-wasm/tf-backend-wasm.node.js`, { headers: auth() })).status).toBe(404);
    const worker = await fetch(`${base}/assets/kernel/worker.js`, { headers: auth() });
    expect(worker.status).toBe(200);
    expect(worker.headers.get('content-security-policy')).toContain("'unsafe-eval'");
  });

  it('keeps eval out of the pages and makes them cross-origin isolated', async () => {
    const page = await fetch(`${base}/notebooks/x.ipynb`, { headers: auth() });
    expect(page.headers.get('content-security-policy')).not.toContain('unsafe-eval');
    expect(page.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(page.headers.get('cross-origin-embedder-policy')).toBe('credentialless');
  });
});
