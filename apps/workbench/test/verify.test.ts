/** `wb run --verify`'s comparison: numbers within tolerance anywhere (text, JSON, SVG), the rest exactly. */
import { describe, expect, it } from 'vitest';
import { emptyNotebook, newCell } from '../src/notebook/new.js';
import type { CodeCell, Output } from '../src/notebook/types.js';
import { compareNotebooks, compareText, DEFAULT_TOLERANCE } from '../src/notebook/verify.js';

const t = DEFAULT_TOLERANCE;

describe('compareText', () => {
  it('lets numbers move within the tolerance, wherever they are', () => {
    expect(compareText('similarity 0.81234 at <circle cx="12.5"/>', 'similarity 0.81235 at <circle cx="12.500001"/>', t)).toBeUndefined();
    expect(compareText('loss 1e-3', 'loss 0.001', t)).toBeUndefined();
    expect(compareText('similarity 0.8123', 'similarity 0.8323', t)).toMatch(/0\.8123 is now 0\.8323/);
    expect(compareText('the bank', 'the bat', t)).toMatch(/text changed/);
    expect(compareText('values: 1', 'values: 1 2', t)).toMatch(/longer/);
  });
});

describe('compareNotebooks', () => {
  const notebook = (outputs: Output[][]) => {
    const nb = emptyNotebook();
    nb.cells = outputs.map((o, i) => ({ ...(newCell('code', `cell ${i}`) as CodeCell), id: `c${i}`, outputs: o }));
    return nb;
  };
  const result = (plain: string, json?: unknown): Output => ({
    output_type: 'execute_result',
    execution_count: 1,
    data: json === undefined ? { 'text/plain': plain } : { 'text/plain': plain, 'application/json': json as never },
    metadata: {},
  });

  it('finds the outputs that changed, by cell', () => {
    const before = notebook([[result('0.5', { a: [0.5, 1] })], [{ output_type: 'stream', name: 'stdout', text: 'hi\n' }], [result('x')]]);
    const same = notebook([[result('0.50000001', { a: [0.50000001, 1] })], [{ output_type: 'stream', name: 'stdout', text: 'hi\n' }], [result('x')]]);
    expect(compareNotebooks(before, same)).toEqual([]);
    const changed = notebook([[result('0.5', { a: [0.6, 1] })], [], [{ output_type: 'error', ename: 'Error', evalue: 'boom', traceback: [] }]]);
    expect(compareNotebooks(before, changed)).toEqual([
      { cell: 1, cellId: 'c0', what: 'output 1: application/json: .a[0]: 0.5 is now 0.6' },
      { cell: 2, cellId: 'c1', what: '1 outputs, now 0' },
      { cell: 3, cellId: 'c2', what: 'output 1: was execute_result, now error' },
    ]);
  });

  it('skips volatile outputs (progress bars and their timings)', () => {
    const bar = (s: string): Output => ({ output_type: 'display_data', data: { 'text/plain': `done in ${s}s` }, metadata: { wb: { volatile: true } } });
    expect(compareNotebooks(notebook([[bar('0.5'), result('1')]]), notebook([[bar('0.9'), result('1')]]))).toEqual([]);
  });
});
