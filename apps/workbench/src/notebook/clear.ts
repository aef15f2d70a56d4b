/**
 * `wb clear nb.ipynb ...`: every code cell's outputs and execution count removed, as the UI's
 * "Clear" does and as `jupyter nbconvert --clear-output` does, so that a notebook can be committed
 * without its outputs. The metadata (the kernel, the last run's record) stays.
 */
import { resolve } from 'node:path';
import { writeFileAtomic } from '@wb/core/node';
import { readNotebookFile } from './execute.js';
import { parseNotebook, serializeNotebook } from './io.js';
import type { Notebook } from './types.js';

/** Clears the outputs in place; returns how many code cells had outputs or an execution count. */
export function clearOutputs(nb: Notebook): number {
  let cleared = 0;
  for (const cell of nb.cells) {
    if (cell.cell_type !== 'code') continue;
    if (cell.outputs.length > 0 || cell.execution_count !== null) cleared++;
    cell.outputs = [];
    cell.execution_count = null;
  }
  return cleared;
}

/** Clears each file; a file with nothing to clear is left untouched (its mtime too). */
export function clearCommand(files: string[], log: (line: string) => void = (line) => process.stderr.write(line + '\n')): void {
  for (const file of files) {
    const path = resolve(file);
    const nb = parseNotebook(readNotebookFile(path, file), file);
    const cleared = clearOutputs(nb);
    if (cleared > 0) writeFileAtomic(path, serializeNotebook(nb));
    log(`wb clear: ${file}: ${cleared === 0 ? 'no outputs' : `cleared ${cleared} cell${cleared === 1 ? '' : 's'}`}`);
  }
}
