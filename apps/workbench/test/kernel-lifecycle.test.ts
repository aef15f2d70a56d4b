/**
 * Kernels end before the server does: shut down over the API (the UI's kernels list), with their
 * notebook when it is deleted or renamed, and when idle with no tab connected for
 * `kernelIdleTimeout` seconds (`wb serve --kernel-idle-timeout`, as Jupyter's cull_idle_timeout).
 * And a notebook that is not valid JSON can be opened and saved as text.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startWorkbench, type Workbench } from '../src/server/app.js';
import { SessionManager } from '../src/server/sessions.js';

let wb: Workbench;
let base: string;

beforeAll(async () => {
  wb = await startWorkbench({ root: mkdtempSync(join(tmpdir(), 'wb-lifecycle-')), port: 0 });
  base = `http://127.0.0.1:${wb.port}`;
});
afterAll(() => wb?.close());

const json = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(base + path, {
    method,
    headers: { Authorization: `token ${wb.token}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as Record<string, any> };
};

const running = async (): Promise<string[]> => ((await json('GET', '/api/sessions')).body.sessions as Array<{ path: string }>).map((s) => s.path).sort();
const openKernel = async (path: string): Promise<string> => (await json('POST', '/api/sessions', { path })).body.id;

describe('kernel lifecycle', () => {
  it('lists the running kernels and shuts one down on request', async () => {
    const a = wb.store.create();
    const b = wb.store.create();
    const idA = await openKernel(a);
    await openKernel(b);
    const listed = (await json('GET', '/api/sessions')).body;
    expect(listed.kernelIdleTimeout).toBe(0);
    expect(listed.sessions.map((s: { path: string }) => s.path).sort()).toEqual([a, b].sort());
    expect(listed.sessions[0]).toMatchObject({ kernel: 'node', connections: 0, lastActivity: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    expect((await json('DELETE', `/api/sessions/${idA}`)).status).toBe(204);
    expect(await running()).toEqual([b]);
    expect((await json('DELETE', `/api/sessions/${idA}`)).status).toBe(404);
    // Opening the notebook again starts a new kernel.
    expect(await openKernel(a)).not.toBe(idA);
    await json('POST', '/api/notebook/delete', { path: a });
    await json('POST', '/api/notebook/delete', { path: b });
  });

  it("shuts down a notebook's kernel when the notebook is deleted or renamed", async () => {
    const doomed = wb.store.create();
    const moved = wb.store.create();
    await openKernel(doomed);
    const before = await openKernel(moved);
    const deleted = await json('POST', '/api/notebook/delete', { path: doomed });
    expect(deleted.body).toEqual({ path: doomed, kernelsShutDown: 1 });
    expect(existsSync(join(wb.store.root, doomed))).toBe(false);
    expect((await json('POST', '/api/notebook/delete', { path: doomed })).status).toBe(404);
    const { body } = await json('POST', '/api/notebook/rename', { path: moved, newPath: 'moved.ipynb' });
    expect(body.path).toBe('moved.ipynb');
    expect(await running()).toEqual([]);
    // The tab asks again under the new name and gets a new kernel.
    expect(await openKernel('moved.ipynb')).not.toBe(before);
    expect(await running()).toEqual(['moved.ipynb']);
    await json('POST', '/api/notebook/delete', { path: 'moved.ipynb' });
    expect(await running()).toEqual([]);
  });

  it('culls a kernel idle past the timeout once no tab is connected, never one with a tab', async () => {
    // A server of its own: with a 1 s timeout, the other tests' kernels (no tab) would go too.
    const culling = await startWorkbench({ root: mkdtempSync(join(tmpdir(), 'wb-cull-')), port: 0, kernelIdleTimeout: 1 });
    const [previous, previousBase] = [wb, base];
    [wb, base] = [culling, `http://127.0.0.1:${culling.port}`];
    try {
      expect((await json('GET', '/api/sessions')).body.kernelIdleTimeout).toBe(1);
      const path = wb.store.create();
      const id = await openKernel(path);
      const tab = new WebSocket(`ws://127.0.0.1:${wb.port}/api/sessions/${id}/ws?token=${wb.token}`, { headers: { Origin: base } });
      await new Promise((resolve, reject) => (tab.once('open', resolve), tab.once('error', reject)));
      // Well past the 1 s timeout (culling looks every second), the connected kernel is still there.
      await new Promise((resolve) => setTimeout(resolve, 3000));
      expect(await running()).toEqual([path]);
      tab.close();
      await expect.poll(running, { timeout: 10_000, interval: 250 }).toEqual([]);
    } finally {
      [wb, base] = [previous, previousBase];
      await culling.close();
    }
  });
});

describe('SessionManager.cullIdle', () => {
  it('shuts down exactly the kernels idle for the timeout or longer', () => {
    const sessions = new SessionManager();
    const root = mkdtempSync(join(tmpdir(), 'wb-cull-'));
    for (const name of ['old.ipynb', 'new.ipynb']) writeFileSync(join(root, name), '{}');
    const old = sessions.open('old.ipynb', join(root, 'old.ipynb'));
    const fresh = sessions.open('new.ipynb', join(root, 'new.ipynb'));
    const now = Date.now();
    old.lastUsed = now - 10_000;
    fresh.lastUsed = now - 9_999;
    expect(sessions.cullIdle(10_000, now)).toEqual(['old.ipynb']);
    expect(sessions.list().map((s) => s.path)).toEqual(['new.ipynb']);
    sessions.shutdownAll();
  });
});

describe('open as text', () => {
  it('reads and repairs a notebook that is not valid JSON', async () => {
    const path = 'broken.ipynb';
    writeFileSync(join(wb.store.root, path), '{"cells": [,\n');
    expect((await json('GET', `/api/notebook?path=${path}`)).status).toBe(422);
    const { body } = await json('GET', `/api/notebook/text?path=${path}`);
    expect(body.text).toBe('{"cells": [,\n');
    const repaired = JSON.stringify({ cells: [], metadata: {}, nbformat: 4, nbformat_minor: 5 });
    expect((await json('PUT', `/api/notebook/text?path=${path}`, { text: repaired, mtime: body.mtime - 5000 })).status).toBe(409);
    expect((await json('PUT', `/api/notebook/text?path=${path}`, { text: repaired, mtime: body.mtime })).status).toBe(200);
    expect((await json('GET', `/api/notebook?path=${path}`)).body.notebook.cells).toEqual([]);
    expect((await json('PUT', `/api/notebook/text?path=${path}`, { mtime: body.mtime })).status).toBe(400);
  });
});
