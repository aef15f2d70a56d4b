/**
 * `POST /api/language/*` (completions and hover types for code cells): behind the token like every
 * route, strict about what it is sent, and answering from the packages' declarations and the
 * kernels' globals with the cells above in scope. Runs the built language-service worker (dist/).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorkbench, type Workbench } from '../src/server/app.js';

let wb: Workbench;
let base: string;

function post(path: string, body: unknown, token: string | null = wb.token) {
  return fetch(`${base}/api/language/${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `token ${token}` } : {}) },
    body: JSON.stringify(body),
  });
}

describe('the language API', () => {
  beforeAll(async () => {
    wb = await startWorkbench({ root: mkdtempSync(join(tmpdir(), 'wb-language-')), port: 0 });
    base = `http://127.0.0.1:${wb.port}`;
  });
  afterAll(() => wb.close());

  it('needs the token', async () => {
    expect((await post('completions', { before: [], source: 'x', offset: 1 }, null)).status).toBe(403);
    expect((await post('hover', { before: [], source: 'x', offset: 1 }, 'wrong')).status).toBe(403);
  });

  it('says what a request lacks', async () => {
    const answer = async (body: unknown) => {
      const res = await post('completions', body);
      return [res.status, ((await res.json()) as { error: string }).error];
    };
    expect(await answer({ source: 'x', offset: 0 })).toEqual([400, 'expected "before": the sources of the code cells above, as an array of strings']);
    expect(await answer({ before: [1], source: 'x', offset: 0 })).toEqual([400, 'expected "before": the sources of the code cells above, as an array of strings']);
    expect(await answer({ before: [], offset: 0 })).toEqual([400, 'expected "source": the cell\'s source, a string']);
    expect(await answer({ before: [], source: 'abc', offset: 4 })).toEqual([400, 'expected "offset": an integer from 0 to the source\'s length (3), got 4']);
  });

  it("completes from the cells above, the packages and the kernels' globals; hovers with types", async () => {
    const before = ["import { loadModel } from '@wb/core';\nconst model = await loadModel('folder');"];
    const members = (await (await post('completions', { before, source: 'model.fi', offset: 8 })).json()) as { from: number; typed: string; items: { label: string; kind: string }[] };
    expect(members.from).toBe(6);
    expect(members.typed).toBe('fi');
    // Only the members that can match "fi" (f…i…), not `embed` or `features`.
    expect(members.items.map((i) => `${i.label}:${i.kind}`)).toEqual(['family:property', 'fillMask:method']);

    const globals = (await (await post('completions', { before: [], source: 'trainingC', offset: 9 })).json()) as { items: { label: string }[] };
    expect(globals.items.map((i) => i.label)).toContain('trainingCurve');

    const hover = (await (await post('hover', { before, source: 'await model.embed(["a"])', offset: 14 })).json()) as { hover: unknown };
    expect(hover.hover).toEqual({
      from: 12,
      to: 17,
      signature: '(method) LanguageModel.embed(inputs: Array<string | string[]>, options?: EmbedOptions): Promise<EmbeddedSentence[]>',
      documentation: "Texts are split into words by the model's own rules; arrays of strings are taken as words.",
    });
    // Nothing to say about a space.
    expect(((await (await post('hover', { before: [], source: '1 + 2', offset: 1 })).json()) as { hover: unknown }).hover).toBeNull();
  });
});
