/** The server's front door: the token on every page, API call and websocket; the contents API over HTTP; a kernel over a websocket. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startWorkbench, type Workbench } from '../src/server/app.js';

let wb: Workbench;
let base: string;
const auth = () => ({ Authorization: `token ${wb.token}` });

beforeAll(async () => {
  wb = await startWorkbench({ root: mkdtempSync(join(tmpdir(), 'wb-server-')), port: 0 });
  base = `http://127.0.0.1:${wb.port}`;
});
afterAll(() => wb.close());

/** The status of a websocket handshake (101 when it opened). */
function upgrade(path: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${wb.port}${path}`, { headers });
    ws.on('open', () => {
      ws.close();
      resolve(101);
    });
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('error', (e) => (e.message.includes('Unexpected server response') ? undefined : reject(e)));
  });
}

describe('wb serve: access token', () => {
  it('prints a URL with a long random token', () => {
    expect(wb.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{48}$/);
  });

  it('answers 403 to every page and API request without the token', async () => {
    for (const path of ['/', '/notebooks/x.ipynb', '/assets/main.js', '/api/contents', '/api/notebook?path=x.ipynb']) {
      expect((await fetch(base + path)).status, path).toBe(403);
    }
    expect((await fetch(`${base}/api/notebook/new`, { method: 'POST', body: '{}', headers: { 'Content-Type': 'application/json' } })).status).toBe(403);
    expect((await fetch(`${base}/api/contents?token=wrong`)).status).toBe(403);
    expect((await fetch(`${base}/api/contents`, { headers: { Authorization: 'token nope' } })).status).toBe(403);
  });

  it('accepts the token as a query, a header, or the cookie set by the page', async () => {
    const page = await fetch(`${base}/?token=${wb.token}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const cookie = page.headers.get('set-cookie')!.split(';')[0];
    expect(page.headers.get('set-cookie')).toMatch(/HttpOnly; SameSite=Strict/);
    expect((await fetch(`${base}/api/contents`, { headers: { cookie } })).status).toBe(200);
    expect((await fetch(`${base}/api/contents`, { headers: auth() })).status).toBe(200);
  });

  it('refuses another Host (DNS rebinding) even with the token', async () => {
    const status = await new Promise<number>((resolve) => {
      request({ host: '127.0.0.1', port: wb.port, path: `/api/contents?token=${wb.token}`, headers: { Host: 'evil.example:80' } }, (res) => resolve(res.statusCode!)).end();
    });
    expect(status).toBe(403);
  });

  it('refuses websockets without the token, or from another origin', async () => {
    const { id } = (await (await fetch(`${base}/api/sessions`, { method: 'POST', headers: { ...auth(), 'Content-Type': 'application/json' }, body: JSON.stringify({ path: wb.store.create() }) })).json()) as { id: string };
    expect(await upgrade(`/api/sessions/${id}/ws`)).toBe(403);
    expect(await upgrade(`/api/sessions/not-a-session/ws`)).toBe(403);
    expect(await upgrade(`/api/sessions/${id}/ws?token=${wb.token}`, { Origin: 'http://evil.example' })).toBe(403);
    expect(await upgrade(`/api/sessions/${id}/ws?token=${wb.token}`, { Origin: `http://127.0.0.1:${wb.port}` })).toBe(101);
  });
});

describe('wb serve: notebooks and kernels over HTTP', () => {
  const json = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(base + path, { method, headers: { ...auth(), 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };

  it('creates, lists, opens, saves, renames; refuses paths outside the folder', async () => {
    const created = await json('POST', '/api/notebook/new', {});
    const path = created.body.path as string;
    const opened = await json('GET', `/api/notebook?path=${path}`);
    opened.body.notebook.cells[0].source = 'const saved = true;';
    const saved = await json('PUT', `/api/notebook?path=${path}`, { notebook: opened.body.notebook, mtime: opened.body.mtime });
    expect(saved.status).toBe(200);
    expect(JSON.parse(readFileSync(join(wb.store.root, path), 'utf8')).cells[0].source).toEqual(['const saved = true;']);
    expect((await json('PUT', `/api/notebook?path=${path}`, { notebook: opened.body.notebook, mtime: 1 })).status).toBe(409);
    expect((await json('POST', '/api/notebook/rename', { path, newPath: 'renamed.ipynb' })).body.path).toBe('renamed.ipynb');
    expect((await json('GET', '/api/contents')).body.entries.map((e: { name: string }) => e.name)).toContain('renamed.ipynb');
    expect((await json('GET', '/api/notebook?path=../etc/passwd.ipynb')).status).toBe(403);
    expect((await json('GET', '/api/notebook?path=%2e%2e/x.ipynb')).status).toBe(403);
    const invalid = await json('PUT', '/api/notebook?path=renamed.ipynb', { notebook: { cells: [] } });
    expect(invalid.status).toBe(422);
    expect(invalid.body.error).toMatch(/renamed\.ipynb: not a valid nbformat 4 notebook: missing required property "nbformat"/);
  });

  it('runs cells over the websocket and streams their outputs', async () => {
    const { body: session } = await json('POST', '/api/sessions', { path: 'renamed.ipynb' });
    const ws = new WebSocket(`ws://127.0.0.1:${wb.port}/api/sessions/${session.id}/ws`, { headers: auth() });
    const messages: any[] = [];
    ws.on('message', (d) => messages.push(JSON.parse(String(d))));
    await new Promise((r) => ws.on('open', r));
    ws.send(JSON.stringify({ type: 'execute', cellId: 'c1', code: 'const x = 20;\nconsole.log("hi");\nx + 22' }));
    await expect.poll(() => messages.find((m) => m.type === 'execute_reply'), { timeout: 30_000 }).toBeTruthy();
    const outputs = messages.filter((m) => m.type === 'output' && m.cellId === 'c1').map((m) => m.output);
    expect(outputs).toEqual([
      { output_type: 'stream', name: 'stdout', text: 'hi\n' },
      { output_type: 'execute_result', execution_count: 1, data: { 'text/plain': '42' }, metadata: {} },
    ]);
    expect(messages.find((m) => m.type === 'status' && m.state === 'idle')?.backend).toBe('wasm');
    ws.close();
  });
});
