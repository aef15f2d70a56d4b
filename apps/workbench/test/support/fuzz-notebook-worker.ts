/**
 * The notebook fuzz cases (run by `fuzz-notebook.test.ts` under its watchdog): mutated `.ipynb`
 * text — structural JSON mutations (values of the wrong type, keys removed, 100,000-deep nesting),
 * byte mutations (cut, garbled, not UTF-8) — read by the parser the CLI uses and by the server's
 * notebook store (open, then save back). Each must be refused naming the file, or read into a
 * notebook that round-trips unchanged and exports to HTML without a script.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectNamed, fuzzWorkerMain, mutateBytes, mutateJson, type FuzzTarget } from '../../../../test/support/fuzz.js';
import { notebookToHtml } from '../../src/notebook/export-html.js';
import { parseNotebook, serializeNotebook } from '../../src/notebook/io.js';
import type { Notebook } from '../../src/notebook/types.js';
import { NotebookStore } from '../../src/server/contents.js';

const BASE = {
  nbformat: 4,
  nbformat_minor: 5,
  metadata: {
    kernelspec: { name: 'wb-node', display_name: 'TypeScript (wb)' },
    language_info: { name: 'typescript' },
    wb: { run: { kernel: 'node', backend: 'wasm', started: '2025-01-01T00:00:00Z', seeds: [1], packages: { '@wb/core': '0.1.0' }, files: { 'm.safetensors': { sha256: 'ab', bytes: 3 } } } },
  },
  cells: [
    { id: 'intro', cell_type: 'markdown', metadata: {}, source: ['# Title\n', 'Some *markdown* <b>html</b>'] },
    {
      id: 'code-1',
      cell_type: 'code',
      metadata: { tags: ['parameters'] },
      execution_count: 2,
      source: 'const x = 1;\nconsole.log(x)',
      outputs: [
        { output_type: 'stream', name: 'stdout', text: ['1\n'] },
        { output_type: 'execute_result', execution_count: 2, data: { 'text/plain': ['1'], 'application/json': { a: [1, 2] } }, metadata: {} },
        { output_type: 'display_data', data: { 'text/html': '<p style="x">p</p><style>p{color:red}</style>', 'image/png': 'iVBORw0KGgo=' }, metadata: { wb: { volatile: true } } },
        { output_type: 'error', ename: 'Error', evalue: 'boom', traceback: ['Error: boom', '    at cell'] },
      ],
    },
    { id: 'raw', cell_type: 'raw', metadata: {}, source: 'raw <text>' },
  ],
};

function checkNotebook(nb: Notebook, file: string): void {
  const again = parseNotebook(serializeNotebook(nb), file);
  if (serializeNotebook(again) !== serializeNotebook(nb)) throw new Error('does not round-trip');
  const html = notebookToHtml(nb, 'fuzz');
  if (/<script/i.test(html)) throw new Error('the export holds a <script>');
  for (const cell of nb.cells) {
    if (typeof cell.source !== 'string') throw new Error(`cell ${cell.id}: source is not text`);
    if (cell.cell_type === 'code') for (const o of cell.outputs) if (o.output_type === 'stream' && o.name !== 'stdout' && o.name !== 'stderr') throw new Error(`stream ${o.name}`);
  }
}

fuzzWorkerMain(() => {
  const scratch = mkdtempSync(join(tmpdir(), 'wb-fuzz-nb-'));
  process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));
  const store = new NotebookStore(scratch);
  const text = JSON.stringify(BASE, null, 1);
  const targets: FuzzTarget[] = [
    {
      name: '.ipynb (JSON mutations)',
      cases: 400,
      run: async (rng) => {
        const file = 'fuzz/structure.ipynb';
        const nb = await expectNamed(file, () => parseNotebook(mutateJson(BASE, rng, { depth: 20_000 }), file));
        return { check: () => checkNotebook(nb, file) };
      },
    },
    {
      name: '.ipynb (byte mutations)',
      cases: 300,
      run: async (rng) => {
        const file = 'fuzz/bytes.ipynb';
        const mutated = new TextDecoder().decode(mutateBytes(new TextEncoder().encode(text), rng));
        const nb = await expectNamed(file, () => parseNotebook(mutated, file));
        return { check: () => checkNotebook(nb, file) };
      },
    },
    {
      name: '.ipynb (server open and save)',
      cases: 200,
      run: async (rng, index) => {
        const path = `case-${index}.ipynb`;
        writeFileSync(join(scratch, path), rng.next() < 0.5 ? mutateJson(BASE, rng, { depth: 20_000 }) : Buffer.from(mutateBytes(new TextEncoder().encode(text), rng)));
        const { notebook } = await expectNamed(path, () => store.read(path));
        return {
          check: () => {
            store.save(path, structuredClone(notebook));
            const reread = store.read(path).notebook;
            if (serializeNotebook(reread) !== serializeNotebook(notebook)) throw new Error('saving changed the notebook');
            checkNotebook(reread, path);
          },
        };
      },
    },
  ];
  return targets;
});
