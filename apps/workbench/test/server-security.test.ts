/**
 * What no request may do to `wb serve` (issue 16): crash it (a malformed cookie on a websocket
 * upgrade), forge a change from another origin (CSRF from another port of 127.0.0.1), start kernels
 * without end or outside the notebooks, reach a 500 with a stack trace, or break the HTML export.
 */
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { serializeNotebook } from '../src/notebook/io.js';
import { emptyNotebook } from '../src/notebook/new.js';
import type { Notebook } from '../src/notebook/types.js';
import { startWorkbench, type Workbench } from '../src/server/app.js';
import { xsrfTokenFor } from '../src/server/auth.js';

let wb: Workbench;
let base: string;
let root: string;
const auth = () => ({ Authorization: `token ${wb.token}` });
const cookieOf = (port: number, token: string) => `wb-token-${port}=${token}`;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'wb-security-'));
  wb = await startWorkbench({ root, port: 0 });
  base = `http://127.0.0.1:${wb.port}`;
});
afterAll(() => wb.close());

/** The status of a websocket handshake (101 when it opened). */
function upgrade(port: number, path: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`, { headers });
    ws.on('open', () => {
      ws.close();
      resolve(101);
    });
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('error', (e) => (e.message.includes('Unexpected server response') ? undefined : reject(e)));
  });
}

/** A raw request (fetch cannot set Origin, Cookie or Sec-Fetch-Site freely). */
function raw(method: string, path: string, headers: Record<string, string>, body = ''): Promise<{ status: number; body: string; cookies: string[] }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: wb.port, method, path, headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) } }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, body: text, cookies: ([] as string[]).concat(res.headers['set-cookie'] ?? []) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('wb serve survives malformed requests', () => {
  it('answers a websocket upgrade with a malformed cookie with 403, and keeps serving', async () => {
    const path = wb.store.create();
    const session = (await (await fetch(`${base}/api/sessions`, { method: 'POST', headers: { ...auth(), 'Content-Type': 'application/json' }, body: JSON.stringify({ path }) })).json()) as { id: string };
    for (const cookie of [`wb-token-${wb.port}=%`, `wb-token-${wb.port}=%E0%A4%A`, `wb-token-${wb.port}=%zz; other=1`]) {
      expect(await upgrade(wb.port, `/api/sessions/${session.id}/ws`, { Cookie: cookie }), cookie).toBe(403);
    }
    expect(await upgrade(wb.port, `/api/sessions/${session.id}/ws?token=${wb.token}`, { Cookie: `wb-token-${wb.port}=%` })).toBe(101);
    expect((await raw('GET', '/api/contents', { Cookie: `wb-token-${wb.port}=%` })).status).toBe(403);
    expect((await fetch(`${base}/api/contents`, { headers: auth() })).status).toBe(200);
  });

  it('answers /api/files/<not a root> with 404, not a 500 and a stack trace', async () => {
    const logged = vi.spyOn(process.stderr, 'write');
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      const res = await fetch(`${base}/api/files/${name}/x`, { headers: auth() });
      expect(res.status, name).toBe(404);
      expect(((await res.json()) as { error: string }).error).toMatch(/no file root/);
    }
    expect(logged.mock.calls.filter(([text]) => String(text).includes('wb serve:'))).toEqual([]);
    logged.mockRestore();
  });
});

describe('cross-site request forgery', () => {
  const other = () => `http://127.0.0.1:${wb.port + 1}`;

  it('gives pages an XSRF cookie their scripts can read', async () => {
    const page = await raw('GET', `/?token=${wb.token}`, {});
    const xsrf = page.cookies.find((c) => c.startsWith(`wb-xsrf-${wb.port}=`))!;
    expect(xsrf).toBe(`wb-xsrf-${wb.port}=${xsrfTokenFor(wb.token)}; Path=/; SameSite=Strict`);
    expect(xsrf).not.toMatch(/HttpOnly/);
  });

  it('refuses a cookie-only POST from another port (no-cors, text/plain), and creates nothing', async () => {
    const before = readdirSync(root).length;
    const forged = await raw('POST', '/api/notebook/new', { Cookie: cookieOf(wb.port, wb.token), Origin: other(), 'Content-Type': 'text/plain', 'Sec-Fetch-Site': 'same-site' }, '{}');
    expect(forged.status).toBe(403);
    expect(JSON.parse(forged.body).error).toBe(`forbidden: a request from another origin (${other()})`);
    // Without an Origin (an older browser), the missing XSRF header refuses it.
    const noOrigin = await raw('POST', '/api/notebook/new', { Cookie: cookieOf(wb.port, wb.token), 'Content-Type': 'text/plain' }, '{}');
    expect(noOrigin.status).toBe(403);
    expect(JSON.parse(noOrigin.body).error).toMatch(/needs the X-XSRFToken header/);
    const sameSite = await raw('POST', '/api/notebook/new', { Cookie: cookieOf(wb.port, wb.token), 'Sec-Fetch-Site': 'same-site', 'X-XSRFToken': xsrfTokenFor(wb.token) }, '');
    expect(sameSite.status).toBe(403);
    const wrong = await raw('POST', '/api/notebook/new', { Cookie: cookieOf(wb.port, wb.token), 'X-XSRFToken': 'guess' }, '');
    expect(wrong.status).toBe(403);
    for (const [method, path] of [['PUT', '/api/notebook?path=x.ipynb'], ['POST', '/api/notebook/rename'], ['POST', '/api/notebook/revert'], ['POST', '/api/sessions'], ['POST', '/api/transpile']]) {
      expect((await raw(method, path, { Cookie: cookieOf(wb.port, wb.token), 'Content-Type': 'application/json' }, '{}')).status, path).toBe(403);
    }
    expect(readdirSync(root).length).toBe(before);
  });

  it('refuses reads from another origin, and an Origin of null', async () => {
    expect((await raw('GET', '/api/contents', { Cookie: cookieOf(wb.port, wb.token), Origin: other() })).status).toBe(403);
    expect((await raw('GET', '/api/contents', { Cookie: cookieOf(wb.port, wb.token), Origin: 'null' })).status).toBe(403);
  });

  it("accepts the workbench's own requests: cookie + X-XSRFToken from its origin, or the token itself", async () => {
    const own = await raw('POST', '/api/notebook/new', {
      Cookie: cookieOf(wb.port, wb.token),
      Origin: base,
      'Sec-Fetch-Site': 'same-origin',
      'X-XSRFToken': xsrfTokenFor(wb.token),
      'Content-Type': 'application/json',
    }, '{}');
    expect(own.status).toBe(200);
    expect((await raw('POST', '/api/notebook/new', { ...auth(), 'Content-Type': 'application/json' }, '{}')).status).toBe(200);
    expect((await raw('POST', `/api/notebook/new?token=${wb.token}`, { 'Content-Type': 'application/json' }, '{}')).status).toBe(200);
  });
});

describe('kernel sessions', () => {
  const open = (path: unknown, workbench = wb) =>
    fetch(`http://127.0.0.1:${workbench.port}/api/sessions`, {
      method: 'POST',
      headers: { Authorization: `token ${workbench.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ path }),
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as { error?: string; id?: string } }));

  it('start only for a notebook that exists in the folder', async () => {
    mkdirSync(join(root, 'sub.ipynb'));
    writeFileSync(join(root, 'notes.txt'), 'x');
    expect(await open('')).toEqual({ status: 400, body: { error: 'a notebook path is required' } });
    expect(await open(null)).toEqual({ status: 400, body: { error: 'a notebook path is required' } });
    expect(await open('missing.ipynb')).toEqual({ status: 404, body: { error: 'missing.ipynb: no such notebook' } });
    expect(await open('notes.txt')).toEqual({ status: 400, body: { error: 'notes.txt: not a notebook (.ipynb)' } });
    expect(await open('sub.ipynb')).toEqual({ status: 400, body: { error: 'sub.ipynb: is a folder, not a notebook' } });
    expect((await open('../x.ipynb')).status).toBe(403);
  });

  it('are capped: an idle kernel makes room, kernels in use are never shut down (429)', async () => {
    const small = await startWorkbench({ root: mkdtempSync(join(tmpdir(), 'wb-cap-')), port: 0, maxSessions: 1 });
    try {
      const [a, b] = [small.store.create(), small.store.create()];
      const first = await open(a, small);
      expect(first.status).toBe(200);
      const ws = new WebSocket(`ws://127.0.0.1:${small.port}/api/sessions/${first.body.id}/ws?token=${small.token}`);
      await new Promise((r) => ws.on('open', r));
      const refused = await open(b, small);
      expect(refused.status).toBe(429);
      expect(refused.body.error).toMatch(/^1 notebook kernels are running and in use/);
      ws.close();
      await expect.poll(async () => (await open(b, small)).status).toBe(200);
      expect(await upgrade(small.port, `/api/sessions/${first.body.id}/ws?token=${small.token}`, {})).toBe(404);
    } finally {
      await small.close();
    }
  });
});

describe('HTML export over HTTP', () => {
  it('answers 200 for a notebook whose run record is malformed, and sanitises its outputs', async () => {
    const nb: Notebook = {
      ...emptyNotebook(),
      metadata: { wb: { run: { kernel: 'node', backend: 'wasm', started: 'now', seeds: 'none', packages: {}, files: {} } } },
      cells: [
        { id: 'm', cell_type: 'markdown', metadata: {}, source: '<meta http-equiv="refresh" content="0;url=http://evil.example/">\n<form action="http://evil.example/"><button>go</button></form>' },
        {
          id: 'c',
          cell_type: 'code',
          metadata: {},
          source: '',
          execution_count: 1,
          outputs: [{ output_type: 'display_data', data: { 'text/html': '<img src=x onerror="alert(1)"><script>alert(2)</script><style>body{display:none}</style>' }, metadata: {} }],
        },
      ],
    };
    writeFileSync(join(root, 'report.ipynb'), serializeNotebook(nb));
    const res = await fetch(`${base}/api/notebook/html?path=report.ipynb`, { headers: auth() });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('The run record is malformed (metadata.wb.run.seeds: expected a list of numbers), so it is not shown.');
    for (const bad of ['http-equiv="refresh"', '<form', '<button', 'onerror', '<script>alert', 'body{display:none}\n</style>']) expect(html).not.toContain(bad);
    expect(html).toContain('@scope {\nbody{display:none}\n}');
  });
});
