/** .ipynb in and out: Jupyter's own formatting round-trips byte for byte, old notebooks upgrade, bad ones say where. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseNotebook, serializeNotebook, splitLines } from '../src/notebook/io.js';
import { emptyNotebook, runsHere } from '../src/notebook/new.js';
import { injectParameters, parseParam } from '../src/notebook/params.js';
import { NotebookFormatError, validateNotebook } from '../src/notebook/validate.js';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8');

describe('.ipynb round trips', () => {
  it('a notebook saved by JupyterLab comes back byte for byte', () => {
    const text = fixture('from-jupyterlab.ipynb');
    const nb = parseNotebook(text, 'from-jupyterlab.ipynb');
    expect(nb.cells).toHaveLength(4);
    expect(nb.cells[1].source).toBe('const answer: number = 42;\nconsole.log("hello\\nworld");\nanswer');
    expect(runsHere(nb)).toBe(true);
    expect(serializeNotebook(nb)).toBe(text);
  });

  it('what the workbench writes is valid nbformat 4.5 and reads back the same', () => {
    const nb = emptyNotebook();
    nb.cells[0].source = 'display(1)\n';
    nb.cells.push({ id: 'md-1', cell_type: 'markdown', metadata: {}, source: '# Title\n\ntext' });
    const text = serializeNotebook(nb);
    const raw = JSON.parse(text);
    expect(raw.nbformat).toBe(4);
    expect(raw.nbformat_minor).toBe(5);
    expect(raw.metadata.kernelspec).toEqual({ display_name: 'TypeScript (wb)', language: 'typescript', name: 'wb' });
    expect(raw.metadata.language_info.name).toBe('typescript');
    expect(raw.cells[1].source).toEqual(['# Title\n', '\n', 'text']);
    expect(Object.keys(raw)).toEqual(['cells', 'metadata', 'nbformat', 'nbformat_minor']);
    validateNotebook(raw, 'x.ipynb');
    expect(parseNotebook(text)).toEqual(nb);
    expect(serializeNotebook(parseNotebook(text))).toBe(text);
  });

  it('drops transient display ids and keeps unknown metadata', () => {
    const nb = emptyNotebook();
    nb.metadata.custom = { kept: true };
    nb.cells[0] = { ...nb.cells[0], cell_type: 'code', execution_count: 3, outputs: [
      { output_type: 'display_data', data: { 'image/svg+xml': '<svg>\n</svg>' }, metadata: {}, transient: { display_id: 'x' } },
    ] } as never;
    const raw = JSON.parse(serializeNotebook(nb));
    expect(raw.cells[0].outputs[0]).toEqual({ output_type: 'display_data', data: { 'image/svg+xml': ['<svg>\n', '</svg>'] }, metadata: {} });
    expect(raw.metadata.custom).toEqual({ kept: true });
  });

  it('upgrades 4.0–4.4 notebooks (no cell ids) to 4.5', () => {
    const old = { nbformat: 4, nbformat_minor: 2, metadata: {}, cells: [{ cell_type: 'code', metadata: {}, source: ['1'], outputs: [], execution_count: null }] };
    const nb = parseNotebook(JSON.stringify(old));
    expect(nb.nbformat_minor).toBe(5);
    expect(nb.cells[0].id).toMatch(/^[0-9a-f]{8}$/);
  });

  it('splits lines as Python does', () => {
    expect(splitLines('a\nb\r\nc\rd')).toEqual(['a\n', 'b\r\n', 'c\r', 'd']);
    expect(splitLines('')).toEqual([]);
    expect(splitLines('x\n')).toEqual(['x\n']);
  });
});

describe('validation errors say where and what', () => {
  const base = () => JSON.parse(fixture('from-jupyterlab.ipynb'));
  const error = (raw: unknown) => {
    try {
      validateNotebook(raw, 'nb.ipynb');
    } catch (e) {
      expect(e).toBeInstanceOf(NotebookFormatError);
      return (e as Error).message;
    }
    throw new Error('expected a validation error');
  };

  it('names the file, the JSON path and what was expected', () => {
    const nb = base();
    nb.cells[2].outputs[0].output_type = 'picture';
    expect(error(nb)).toBe('nb.ipynb: not a valid nbformat 4 notebook: cells[2].outputs[0].output_type: expected execute_result, display_data, stream or error, got the string "picture"');
    const dup = base();
    dup.cells[2].id = dup.cells[1].id;
    expect(error(dup)).toMatch(/cells\[2\]\.id: duplicate cell id/);
    const noId = base();
    delete noId.cells[0].id;
    expect(error(noId)).toMatch(/cells\[0\]: missing required property "id"/);
    expect(error({ ...base(), nbformat: 3 })).toMatch(/nbformat: expected 4, got number 3/);
    const badSource = base();
    badSource.cells[1].source = 7;
    expect(error(badSource)).toMatch(/cells\[1\]\.source: expected a string or a list of strings/);
    expect(error({ ...base(), extra: 1 })).toMatch(/unexpected property "extra"/);
  });

  it('reports invalid JSON with its line', () => {
    expect(() => parseNotebook('{\n "cells": [,]\n}', 'broken.ipynb')).toThrow(/broken\.ipynb: .*not valid JSON at line 2/);
  });
});

describe('parameters (papermill style)', () => {
  it('injects a cell after the one tagged "parameters", JSON values or strings', () => {
    const nb = parseNotebook(fixture('from-jupyterlab.ipynb'));
    const params = Object.fromEntries(['answer=7', 'name=bank', 'list=[1,2]'].map(parseParam));
    const out = injectParameters(nb, params);
    expect(out.cells[2].metadata.tags).toEqual(['injected-parameters']);
    expect(out.cells[2].source).toBe('// Parameters (injected by wb run)\nconst answer = 7;\nconst name = "bank";\nconst list = [1,2];');
    expect(injectParameters(out, { answer: 8 }).cells.filter((c) => (c.metadata.tags as string[] | undefined)?.includes('injected-parameters'))).toHaveLength(1);
    expect(() => parseParam('1x=2')).toThrow(/not a valid variable name/);
    expect(() => parseParam('novalue')).toThrow(/name=value/);
  });
});
