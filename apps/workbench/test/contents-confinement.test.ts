/**
 * The notebooks folder under hostile contents (issue 16): checkpoint folders and files that are
 * symbolic links out of it, temporary files left by a killed server, notebooks nested 100,000
 * deep, stream names nbformat does not know, and notebooks that are folders.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseNotebook, serializeNotebook } from '../src/notebook/io.js';
import { writeJson } from '../src/notebook/json-writer.js';
import { emptyNotebook } from '../src/notebook/new.js';
import type { Notebook } from '../src/notebook/types.js';
import { ContentsError, NotebookStore } from '../src/server/contents.js';
import { workbenchDir } from './support/workbench.js';

let root: string;
let outside: string;
let store: NotebookStore;

/** The ContentsError a call throws: [status, message]. */
const refusal = (fn: () => unknown): [number, string] => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ContentsError);
    return [(e as ContentsError).status, (e as Error).message];
  }
  throw new Error('expected a ContentsError');
};

const notebook = (text: string): Notebook => ({
  ...emptyNotebook(),
  cells: [{ id: 'a', cell_type: 'code', metadata: {}, source: text, execution_count: null, outputs: [] }],
});

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'wb-confine-'));
  outside = mkdtempSync(join(tmpdir(), 'wb-outside-'));
  store = new NotebookStore(root);
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

describe('checkpoints stay inside the notebooks folder', () => {
  it('refuses to save through a .ipynb_checkpoints that links outside, and writes nothing there', () => {
    writeFileSync(join(root, 'nb.ipynb'), serializeNotebook(notebook('1')));
    symlinkSync(outside, join(root, '.ipynb_checkpoints'));
    expect(refusal(() => store.save('nb.ipynb', notebook('2'), { checkpoint: true }))).toEqual([
      403,
      '.ipynb_checkpoints: leads outside the notebooks folder; checkpoints must stay inside it',
    ]);
    expect(readdirSync(outside)).toEqual([]);
    expect(refusal(() => store.checkpoint('nb.ipynb'))[0]).toBe(403);
    expect(readdirSync(outside)).toEqual([]);
  });

  it('refuses to revert from a checkpoint file that links outside, leaving the notebook as it was', () => {
    const original = serializeNotebook(notebook('mine'));
    writeFileSync(join(root, 'nb.ipynb'), original);
    writeFileSync(join(outside, 'secret.ipynb'), serializeNotebook(notebook('someone else’s')));
    mkdirSync(join(root, '.ipynb_checkpoints'));
    symlinkSync(join(outside, 'secret.ipynb'), join(root, '.ipynb_checkpoints', 'nb-checkpoint.ipynb'));
    expect(refusal(() => store.revert('nb.ipynb'))).toEqual([403, '.ipynb_checkpoints/nb-checkpoint.ipynb: leads outside the notebooks folder; checkpoints must stay inside it']);
    expect(readFileSync(join(root, 'nb.ipynb'), 'utf8')).toBe(original);
    symlinkSync(join(outside, 'gone'), join(root, '.ipynb_checkpoints', 'other-checkpoint.ipynb'));
    writeFileSync(join(root, 'other.ipynb'), original);
    expect(refusal(() => store.save('other.ipynb', notebook('x')))[1]).toMatch(/a symbolic link to nowhere/);
  });

  it('still follows a .ipynb_checkpoints that links inside the folder', () => {
    mkdirSync(join(root, 'kept'));
    symlinkSync(join(root, 'kept'), join(root, '.ipynb_checkpoints'));
    writeFileSync(join(root, 'nb.ipynb'), serializeNotebook(notebook('1')));
    store.save('nb.ipynb', notebook('2'), { checkpoint: true });
    expect(existsSync(join(root, 'kept', 'nb-checkpoint.ipynb'))).toBe(true);
    expect(store.revert('nb.ipynb').notebook.cells[0].source).toBe('2');
  });
});

describe('temporary files of a killed server', () => {
  it('are removed when their folder is listed or saved to; live ones are kept', () => {
    const dead = 2 ** 22 + 777; // above Linux's largest pid_max: no such process
    const stale = [`.nb.ipynb.${dead}.1700000000000.tmp`, `nb.ipynb.tmp-${dead}`];
    const live = `.nb.ipynb.${process.ppid}.1700000000000.tmp`;
    for (const name of [...stale, live]) writeFileSync(join(root, name), 'partial');
    store.list('');
    expect(readdirSync(root).sort()).toEqual([live]);
    mkdirSync(join(root, 'sub'));
    writeFileSync(join(root, 'sub', `x.ipynb.tmp-${dead}`), 'partial');
    store.save('sub/x.ipynb', notebook('1'));
    expect(readdirSync(join(root, 'sub'))).toEqual(['x.ipynb']);
  });
});

describe('notebooks the server refuses cleanly (no 500)', () => {
  it('refuses a notebook nested 100,000 deep, on save and on open', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    const text = JSON.stringify({ ...emptyNotebook(), metadata: { deep: 'DEEP' } }).replace('"DEEP"', deep);
    writeFileSync(join(root, 'deep.ipynb'), text);
    expect(refusal(() => store.read('deep.ipynb'))).toEqual([422, 'deep.ipynb: not a valid nbformat 4 notebook: metadata.deep[0][0][0][0]…: nested more than 200 levels deep']);
    expect(refusal(() => store.save('deep2.ipynb', JSON.parse(text)))[0]).toBe(422);
    expect(existsSync(join(root, 'deep2.ipynb'))).toBe(false);
    // Cut short, it is not JSON: the syntax-error scanner must not overflow either.
    writeFileSync(join(root, 'cut.ipynb'), text.slice(0, 150_000));
    expect(refusal(() => store.read('cut.ipynb'))).toEqual([422, expect.stringMatching(/^cut\.ipynb: not a valid nbformat 4 notebook: not valid JSON/)]);
  });

  it("refuses a stream name that is not nbformat's stdout or stderr", () => {
    const nb = notebook('print()') as Notebook & { cells: Array<{ outputs: unknown[] }> };
    nb.cells[0].outputs = [{ output_type: 'stream', name: 'std out', text: 'x' }];
    expect(refusal(() => store.save('s.ipynb', nb))).toEqual([422, 's.ipynb: not a valid nbformat 4 notebook: cells[0].outputs[0].name: expected "stdout" or "stderr", got the string "std out"']);
    expect(() => parseNotebook(JSON.stringify(nb), 's.ipynb')).toThrow('cells[0].outputs[0].name: expected "stdout" or "stderr"');
  });

  it('names a notebook path that is a folder', () => {
    mkdirSync(join(root, 'folder.ipynb'));
    expect(refusal(() => store.read('folder.ipynb'))).toEqual([400, 'folder.ipynb: is a folder, not a notebook']);
    expect(refusal(() => store.save('folder.ipynb', notebook('1')))).toEqual([400, 'folder.ipynb: is a folder, not a notebook']);
  });
});

describe('saving a large notebook', () => {
  it('holds no second copy of its text: a 60 MB output saves within a 150 MB heap', () => {
    // The built store, in a process whose heap is capped: validating, normalising and writing in
    // pieces needs ~100 MB here; the former save (text → parse → sorted copy → text) needed ~250.
    const contents = join(workbenchDir, 'dist', 'server', 'contents.js');
    expect(existsSync(contents), 'build the workbench first').toBe(true);
    const script = `
      const { NotebookStore } = await import(${JSON.stringify(contents)});
      const text = ('x'.repeat(99) + '\\n').repeat(600000);
      const nb = { nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{ id: 'a', cell_type: 'code', metadata: {}, source: 'x', execution_count: 1,
        outputs: [{ output_type: 'stream', name: 'stdout', text }] }] };
      new NotebookStore(${JSON.stringify(root)}).save('big.ipynb', nb);`;
    const child = spawnSync(process.execPath, ['--max-old-space-size=150', '--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(child.status, child.stderr.slice(-500)).toBe(0);
    // Each of the 600,000 lines on a line of its own, as Jupyter writes them: "   \"xx…x\\n\",".
    expect(statSync(join(root, 'big.ipynb')).size).toBeGreaterThan(600_000 * 107);
    rmSync(join(root, 'big.ipynb'));
  });

  it('writes in pieces exactly what JSON.stringify writes with sorted keys', () => {
    const sorted = (_key: string, v: unknown) =>
      v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, (v as Record<string, unknown>)[k]])) : v;
    const values = [
      { b: [1, -0, 2.5e-300, 'é\u2028"\\', null, true, [], {}, [[]], { z: undefined }], a: { y: [{}], x: 'ud800:\ud800' }, u: undefined },
      [],
      {},
      'text',
      [undefined, 1],
    ];
    for (const value of values) {
      const pieces: string[] = [];
      writeJson(value, (p) => pieces.push(p));
      expect(pieces.join('')).toBe(JSON.stringify(value, sorted, 1));
    }
  });
});
