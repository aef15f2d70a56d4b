/**
 * `wb run`: parameters, a failing cell, --verify, --html, bad input. The example notebooks themselves
 * are run by `wb run` in e2e/notebook-parity.test.ts (which then runs them in the Browser kernel too).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseNotebook, serializeNotebook } from '../src/notebook/io.js';
import { emptyNotebook, newCell } from '../src/notebook/new.js';
import { wbRun as wbRunIn } from './support/workbench.js';

const out = mkdtempSync(join(tmpdir(), 'wb-run-'));
const wbRun = (args: string[]) => wbRunIn(args, join(out, 'runs.sqlite'));

describe('wb run: parameters and failures', () => {
  it('injects --param (-p) values after the "parameters" cell', async () => {
    const nb = emptyNotebook();
    nb.cells = [newCell('code', 'const word = "bank";\nconst n = 1;'), newCell('code', 'console.log(word.repeat(n))')];
    nb.cells[0].metadata = { tags: ['parameters'] };
    const file = join(out, 'params.ipynb');
    writeFileSync(file, serializeNotebook(nb));
    const { code, stderr } = await wbRun([file, '--out', join(out, 'params.out.ipynb'), '--param', 'word=bat', '-p', 'n=2']);
    expect(code, stderr).toBe(0);
    const done = parseNotebook(readFileSync(join(out, 'params.out.ipynb'), 'utf8'));
    expect(done.cells[1].metadata.tags).toEqual(['injected-parameters']);
    expect(done.cells[2]).toMatchObject({ outputs: [{ output_type: 'stream', text: 'batbat\n' }] });
    expect((done.metadata.wb as any).run.params).toEqual({ word: 'bat', n: 2 });
  });

  it('stops at the first failing cell, writes what ran, and exits 1', async () => {
    const nb = emptyNotebook();
    nb.cells = [newCell('code', '1'), newCell('code', 'throw new Error("bad cell")'), newCell('code', '3')];
    const file = join(out, 'fails.ipynb');
    writeFileSync(file, serializeNotebook(nb));
    const { code, stderr } = await wbRun([file, '--out', join(out, 'fails.out.ipynb')]);
    expect(code).toBe(1);
    expect(stderr).toContain('Error: bad cell');
    expect(stderr).toContain('cell 2 failed');
    const done = parseNotebook(readFileSync(join(out, 'fails.out.ipynb'), 'utf8'));
    expect(done.cells.map((c) => (c.cell_type === 'code' ? c.execution_count : 'md'))).toEqual([1, 2, null]);
  });

  it('--verify re-runs a notebook and fails on every output that changed', async () => {
    const nb = emptyNotebook();
    nb.cells = [newCell('code', 'seed(3);\nconst r = Math.random();\nr'), newCell('code', 'views.table([{ word: "bank", value: r * 2 }])')];
    const file = join(out, 'verify.ipynb');
    writeFileSync(file, serializeNotebook(nb));
    expect((await wbRun([file, '--out', file])).code).toBe(0);
    const ok = await wbRun([file, '--verify']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stderr).toContain('every output reproduced');
    const stored = parseNotebook(readFileSync(file, 'utf8'));
    const cell = stored.cells[1] as Extract<typeof stored.cells[1], { cell_type: 'code' }>;
    const html = String((cell.outputs[0] as Extract<(typeof cell.outputs)[0], { output_type: 'execute_result' }>).data['text/html']);
    (cell.outputs[0] as Extract<(typeof cell.outputs)[0], { output_type: 'execute_result' }>).data['text/html'] = html.replace('bank', 'bat');
    writeFileSync(file, serializeNotebook(stored));
    const changed = await wbRun([file, '--verify']);
    expect(changed.code).toBe(1);
    expect(changed.stderr).toMatch(/cell 2 \([0-9a-f]{8}\): output 1: text\/html: the text changed/);
    expect(changed.stderr).toContain('1 output changed beyond the tolerance');
  });

  it('--html writes a self-contained report: outputs inline, no scripts, no network', async () => {
    const nb = emptyNotebook();
    nb.cells = [newCell('markdown', '# Report\n\n<img src="x" onerror="alert(1)">'), newCell('code', 'Plot.dotX([1, 2, 3]).plot()')];
    const file = join(out, 'report.ipynb');
    writeFileSync(file, serializeNotebook(nb));
    const { code, stderr } = await wbRun([file, '--html', join(out, 'report.html')]);
    expect(code, stderr).toBe(0);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain(
      `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; form-action 'none'; base-uri 'none'">`,
    );
    // Sanitised as the UI does: the <img> stays, its handler does not.
    expect(html).toContain('<img src="x">');
    expect(html).not.toContain('onerror');
    expect(html).toMatch(/<h1>Report<\/h1>/);
    expect(html).toMatch(/<svg xmlns="http:\/\/www.w3.org\/2000\/svg"[^>]*>[\s\S]*<circle/);
    expect(html).toContain('How these outputs were made');
    expect(html).not.toMatch(/<script|<link|src="http/);
  });

  it('says clearly when the file is not a notebook', async () => {
    const file = join(out, 'bad.ipynb');
    writeFileSync(file, '{"nbformat": 4, "cells": []}');
    const { code, stderr } = await wbRun([file]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/bad\.ipynb: not a valid nbformat 4 notebook: missing required property "nbformat_minor"/);
  });
});
