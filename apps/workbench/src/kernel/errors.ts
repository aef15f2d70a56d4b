/**
 * Errors as the person who wrote the cell reads them: stack frames in cell code say
 * "Cell [n], line L" (the cell's own lines, through the source map), the kernel's frames are
 * left out, and the failing line is shown with its neighbours.
 */
import type { ErrorOutput } from '../notebook/types.js';
import { CellSyntaxError } from './cell-code.js';

export interface CellInfo {
  /** Execution count, as the cell's label shows it. */
  count: number;
  source: string;
  cellLine(line: number, column?: number): number | undefined;
}

export class InterruptError extends Error {
  constructor() {
    super('the cell was interrupted');
    this.name = 'Interrupt';
  }
}

const FRAME = /cell-(\d+)\.js:(\d+):(\d+)/;

function excerpt(source: string, line: number, column?: number): string[] {
  const lines = source.split('\n');
  const from = Math.max(1, line - 2);
  const to = Math.min(lines.length, line + 2);
  const width = String(to).length;
  const out: string[] = [];
  for (let l = from; l <= to; l++) {
    out.push(`${l === line ? '>' : ' '} ${String(l).padStart(width)} | ${lines[l - 1]}`);
    if (l === line && column !== undefined) out.push(`  ${' '.repeat(width)} | ${' '.repeat(column)}^`);
  }
  return out;
}

/** The kernel's own frames: its Node modules, and the browser kernel's bundle (minified, kernel and libraries alike). */
function isKernelFrame(frame: string): boolean {
  return /node:internal|\/kernel\/(executor|cell-executor|child|display|live|outputs)\.(js|ts)|\/assets\/kernel\/|\(node:|^\s*at new Promise \(<anonymous>\)$/.test(frame);
}

export function errorOutput(error: unknown, cells: Map<number, CellInfo>, current?: CellInfo): ErrorOutput {
  if (error instanceof CellSyntaxError) {
    const label = current ? `Cell [${current.count}], line ${error.line}, column ${error.column + 1}` : `line ${error.line}`;
    return {
      output_type: 'error',
      ename: 'SyntaxError',
      evalue: error.message,
      traceback: [`SyntaxError: ${error.message}`, '', `${label}:`, ...(current ? excerpt(current.source, error.line, error.column) : [error.lineText])],
    };
  }
  const isError = error instanceof Error;
  const ename = isError ? error.name : 'Error';
  const evalue = isError ? error.message : typeof error === 'string' ? error : JSON.stringify(error) ?? String(error);
  const traceback = [`${ename}: ${evalue}`];
  let first: { info: CellInfo; line: number } | undefined;
  const stack = isError && typeof error.stack === 'string' ? error.stack.split('\n').filter((l) => /^\s+at /.test(l)) : [];
  for (const frame of stack) {
    const m = FRAME.exec(frame);
    if (m) {
      const info = cells.get(Number(m[1]));
      const line = info?.cellLine(Number(m[2]), Number(m[3]));
      if (!info || line === undefined) continue;
      first ??= { info, line };
      const name = /^\s+at (?:async )?([^\s(]+) \(/.exec(frame)?.[1];
      traceback.push(`    at ${name && name !== 'Object.<anonymous>' && name !== 'eval' ? `${name} (Cell [${info.count}], line ${line})` : `Cell [${info.count}], line ${line}`}`);
    } else if (!isKernelFrame(frame)) {
      traceback.push(frame.replace('file://', ''));
    }
  }
  if (first) traceback.push('', `Cell [${first.info.count}], line ${first.line}:`, ...excerpt(first.info.source, first.line));
  return { output_type: 'error', ename, evalue, traceback };
}
