/** The notebooks folder: nothing outside it, atomic saves with a checkpoint, create, rename, conflicts. */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { serializeNotebook } from '../src/notebook/io.js';
import { emptyNotebook } from '../src/notebook/new.js';
import { ContentsError, NotebookStore } from '../src/server/contents.js';

let root: string;
let store: NotebookStore;

const status = (fn: () => unknown): number => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ContentsError);
    return (e as ContentsError).status;
  }
  throw new Error('expected a ContentsError');
};

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'wb-contents-'));
  store = new NotebookStore(root);
});

describe('NotebookStore', () => {
  it('refuses paths outside the folder, hidden files and symlinks that lead out', () => {
    const outside = mkdtempSync(join(tmpdir(), 'wb-outside-'));
    writeFileSync(join(outside, 'secret.ipynb'), serializeNotebook(emptyNotebook()));
    symlinkSync(outside, join(root, 'link'));
    expect(status(() => store.read('../secret.ipynb'))).toBe(403);
    // A leading slash means the folder's root, as in URLs: an absolute path cannot reach out.
    expect(status(() => store.read(join(outside, 'secret.ipynb')))).toBe(404);
    expect(status(() => store.read('link/secret.ipynb'))).toBe(403);
    expect(status(() => store.list('..'))).toBe(403);
    expect(status(() => store.read('.ipynb_checkpoints/a-checkpoint.ipynb'))).toBe(403);
    expect(status(() => store.save('../x.ipynb', emptyNotebook()))).toBe(403);
    expect(status(() => store.rename(store.create(), '../moved.ipynb'))).toBe(403);
    expect(status(() => store.read('notes.txt'))).toBe(400);
  });

  it('creates, lists, saves atomically with a checkpoint, and renames', () => {
    const path = store.create();
    expect(path).toBe('Untitled.ipynb');
    expect(store.create()).toBe('Untitled1.ipynb');
    mkdirSync(join(root, 'sub'));
    expect(store.list().map((e) => [e.name, e.type])).toEqual([['sub', 'directory'], ['Untitled.ipynb', 'notebook'], ['Untitled1.ipynb', 'notebook']]);

    const original = readFileSync(join(root, path), 'utf8');
    const { notebook, mtime } = store.read(path);
    notebook.cells[0].source = 'const x = 1;';
    store.save(path, notebook, { expectedMtime: mtime });
    expect(store.read(path).notebook.cells[0].source).toBe('const x = 1;');
    // The first save keeps the version it replaced; no temporary files are left behind.
    expect(readFileSync(join(root, '.ipynb_checkpoints', 'Untitled-checkpoint.ipynb'), 'utf8')).toBe(original);
    expect(readdirSync(root).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    // An explicit save updates the checkpoint; revert brings it back.
    store.save(path, notebook, { checkpoint: true });
    notebook.cells[0].source = 'changed';
    store.save(path, notebook);
    expect(store.revert(path).notebook.cells[0].source).toBe('const x = 1;');

    expect(store.rename(path, 'sub/bank.ipynb')).toBe('sub/bank.ipynb');
    expect(existsSync(join(root, 'sub', '.ipynb_checkpoints', 'bank-checkpoint.ipynb'))).toBe(true);
    expect(status(() => store.rename('sub/bank.ipynb', 'Untitled1.ipynb'))).toBe(409);
  });

  it('does not overwrite a file that changed on disk since it was opened', () => {
    const path = store.create();
    const { notebook, mtime } = store.read(path);
    store.save(path, notebook, { expectedMtime: mtime });
    expect(status(() => store.save(path, notebook, { expectedMtime: mtime - 10_000 }))).toBe(409);
  });

  it('rejects invalid notebooks with the reason, keeping the file', () => {
    const path = store.create();
    const before = readFileSync(join(root, path), 'utf8');
    expect(status(() => store.save(path, { nbformat: 4, cells: 'no' }))).toBe(422);
    expect(readFileSync(join(root, path), 'utf8')).toBe(before);
    writeFileSync(join(root, 'broken.ipynb'), '{"cells": [}');
    try {
      store.read('broken.ipynb');
    } catch (e) {
      expect((e as ContentsError).status).toBe(422);
      expect((e as Error).message).toMatch(/broken\.ipynb: .*not valid JSON at line 1, column 12/);
    }
  });
});
