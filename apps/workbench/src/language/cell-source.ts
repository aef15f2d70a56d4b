/**
 * What the TypeScript language service reads for one code cell: the notebook's code cells up to
 * and including it, one after another (cells share one scope, so a name a cell uses may come
 * from any cell above it, imports included), after the declarations of the kernels' globals.
 * As jupyterlab-lsp does, the whole notebook is one virtual file; positions in the cell are
 * shifted by the length of what comes before it.
 */
import { NOTEBOOK_GLOBAL_NAMES } from '../kernel/notebook-globals.js';

export interface CellSource {
  /** The virtual file's text. */
  text: string;
  /** Where the cell starts in it. */
  cellStart: number;
}

/**
 * The kernels' globals as ambient declarations, typed from `kernel/notebook-globals.ts` (given as
 * the module specifier the language service resolves, an absolute path).
 */
export function globalsDeclaration(globalsModule: string): string {
  const names = NOTEBOOK_GLOBAL_NAMES.map((name) => `  const ${name}: NotebookGlobals[${JSON.stringify(name)}];`).join('\n');
  return `import type { NotebookGlobals } from ${JSON.stringify(globalsModule)};\ndeclare global {\n${names}\n}\n`;
}

/** The cells `before` the cell (code cells, in notebook order), then the cell. */
export function cellSource(before: string[], cell: string): CellSource {
  // `;` between cells: a cell that ends without one must not run into the next (`a\n(b)` is a call).
  const prefix = before.map((source) => `${source}\n;\n`).join('');
  // `export {}`: the file is a module (top-level await, imports) even when no cell imports anything.
  const head = 'export {};\n';
  return { text: `${head}${prefix}${cell}`, cellStart: head.length + prefix.length };
}
