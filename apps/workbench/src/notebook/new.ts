/** New notebooks and cells, with the metadata that makes JupyterLab and GitHub read them as TypeScript. */
import type { Cell, CellType, JsonObject, Notebook } from './types.js';

/** 8 hex digits, as nbformat's `random_cell_id`. */
export function newCellId(): string {
  const bytes = new Uint8Array(4);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function newCell(type: CellType, source = ''): Cell {
  if (type === 'code') return { id: newCellId(), cell_type: 'code', metadata: {}, source, execution_count: null, outputs: [] };
  return { id: newCellId(), cell_type: type, metadata: {}, source };
}

export const KERNELSPEC: JsonObject = { name: 'wb', display_name: 'TypeScript (wb)', language: 'typescript' };

export const LANGUAGE_INFO: JsonObject = {
  name: 'typescript',
  version: '5.9',
  mimetype: 'text/x.typescript',
  file_extension: '.ts',
  codemirror_mode: 'typescript',
  pygments_lexer: 'typescript',
  nbconvert_exporter: 'script',
};

export function emptyNotebook(): Notebook {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: KERNELSPEC, language_info: LANGUAGE_INFO },
    cells: [newCell('code')],
  };
}

/** Languages whose cells run here as TypeScript (JavaScript is TypeScript). */
export function notebookLanguage(nb: Notebook): string {
  const info = nb.metadata.language_info as JsonObject | undefined;
  const spec = nb.metadata.kernelspec as JsonObject | undefined;
  return String(info?.name ?? spec?.language ?? 'typescript').toLowerCase();
}

export function runsHere(nb: Notebook): boolean {
  return ['typescript', 'javascript', 'ts', 'js'].includes(notebookLanguage(nb));
}
