/**
 * Completions and hover types for code cells (Node, in the server's language thread,
 * `type-worker.ts`): TypeScript's own language service over one virtual file (`cell-source.ts`)
 * that sits in the workbench's package folder, so that `@wb/core`, `@wb/tasks`,
 * `@tensorflow/tfjs-core` and the other packages the kernels offer resolve to their declarations
 * as they do for the kernels. One service, made on first use (reading the packages' declarations
 * takes seconds, once); each request replaces the virtual file and the service re-checks only what
 * changed. Files on disk are read once: a package rebuilt while the server runs is seen after a restart.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type ts from 'typescript';
import { cellSource, globalsDeclaration } from './cell-source.js';

export interface CellQuery {
  /** Code cells above the cell, in notebook order. */
  before: string[];
  /** The cell's source. */
  source: string;
  /** A UTF-16 offset in the cell's source. */
  offset: number;
}

export interface CompletionItem {
  label: string;
  /** The TypeScript element kind ("method", "property", "function", …). */
  kind: string;
  sortText: string;
}

export interface Completions {
  /** The offset in the cell where the completed word starts. */
  from: number;
  /** The part of the word typed when asked (the items are those that can match it). */
  typed: string;
  items: CompletionItem[];
}

export interface HoverInfo {
  /** The hovered name's span in the cell. */
  from: number;
  to: number;
  /** Its type or signature, as the editor shows it ("(method) LanguageModel.embed(…): Promise<…>"). */
  signature: string;
  documentation: string;
}

/** More than a list can usefully show. */
const MAX_COMPLETIONS = 400;

const here = dirname(fileURLToPath(import.meta.url));
/** The workbench's package folder (from src/language or dist/language). */
const packageDir = join(here, '..', '..');
const cellFile = join(packageDir, '__notebook_cell__.ts');
const globalsFile = join(packageDir, '__notebook_globals__.d.ts');
/** `kernel/notebook-globals` beside this file: its .d.ts under dist, its .ts under src (the tests). */
const globalsModule = join(here, '..', 'kernel', 'notebook-globals.js');

export class TypeService {
  private text = '';
  private version = 0;
  private readonly service: ts.LanguageService;

  constructor(private readonly typescript: typeof ts) {
    const options: ts.CompilerOptions = {
      target: typescript.ScriptTarget.ES2022,
      module: typescript.ModuleKind.ESNext,
      moduleResolution: typescript.ModuleResolutionKind.Bundler,
      lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
      types: ['node'],
      strict: true,
      skipLibCheck: true,
      allowJs: true,
      noEmit: true,
      allowImportingTsExtensions: true,
    };
    const globals = globalsDeclaration(globalsModule);
    const host: ts.LanguageServiceHost = {
      getCompilationSettings: () => options,
      getScriptFileNames: () => [cellFile, globalsFile],
      getScriptVersion: (file) => (file === cellFile ? String(this.version) : '0'),
      getScriptSnapshot: (file) => {
        if (file === cellFile) return typescript.ScriptSnapshot.fromString(this.text);
        if (file === globalsFile) return typescript.ScriptSnapshot.fromString(globals);
        const text = typescript.sys.readFile(file);
        return text === undefined ? undefined : typescript.ScriptSnapshot.fromString(text);
      },
      getCurrentDirectory: () => packageDir,
      getDefaultLibFileName: (o) => typescript.getDefaultLibFilePath(o),
      fileExists: (file) => file === cellFile || file === globalsFile || typescript.sys.fileExists(file),
      readFile: (file) => (file === cellFile ? this.text : file === globalsFile ? globals : typescript.sys.readFile(file)),
      readDirectory: typescript.sys.readDirectory,
      directoryExists: typescript.sys.directoryExists,
      getDirectories: typescript.sys.getDirectories,
      realpath: typescript.sys.realpath,
    };
    this.service = typescript.createLanguageService(host, typescript.createDocumentRegistry());
  }

  /** Puts the query's cells in the virtual file; the cell's offset there. */
  private load(query: CellQuery): number {
    const { text, cellStart } = cellSource(query.before, query.source);
    if (text !== this.text) {
      this.text = text;
      this.version++;
    }
    return cellStart + Math.max(0, Math.min(query.offset, query.source.length));
  }

  completions(query: CellQuery): Completions | null {
    const position = this.load(query);
    const start = position - query.offset;
    const result = this.service.getCompletionsAtPosition(cellFile, position, { includeCompletionsWithInsertText: true, includeCompletionsForModuleExports: false });
    if (!result) return null;
    const word = /[\w$]*$/.exec(query.source.slice(0, query.offset))![0];
    const items = result.entries
      .filter((entry) => !entry.name.startsWith('__') && fuzzyMatch(word, entry.name))
      .sort((a, b) => a.sortText.localeCompare(b.sortText) || a.name.localeCompare(b.name))
      .slice(0, MAX_COMPLETIONS)
      .map((entry) => ({ label: entry.name, kind: entry.kind, sortText: entry.sortText }));
    const from = result.optionalReplacementSpan ? result.optionalReplacementSpan.start - start : query.offset - word.length;
    return { from: Math.max(0, from), typed: word, items };
  }

  hover(query: CellQuery): HoverInfo | null {
    const position = this.load(query);
    const start = position - query.offset;
    const info = this.service.getQuickInfoAtPosition(cellFile, position);
    if (!info || info.textSpan.start < start) return null;
    const text = (parts: ts.SymbolDisplayPart[] | undefined) => (parts ?? []).map((part) => part.text).join('');
    return {
      from: info.textSpan.start - start,
      to: info.textSpan.start - start + info.textSpan.length,
      signature: text(info.displayParts),
      documentation: text(info.documentation),
    };
  }
}

/**
 * Whether `name` has the typed letters in order (case-insensitive): at least every name the
 * editor's own fuzzy filter keeps, so that the global scope's thousands of names (the DOM's among
 * them) are cut to those that can match before the list is capped.
 */
export function fuzzyMatch(typed: string, name: string): boolean {
  const lower = name.toLowerCase();
  let at = 0;
  for (const c of typed.toLowerCase()) {
    at = lower.indexOf(c, at) + 1;
    if (at === 0) return false;
  }
  return true;
}

let shared: Promise<TypeService> | undefined;

/** The server's service, made on first use (TypeScript itself loads only then). */
export function typeService(): Promise<TypeService> {
  shared ??= import('typescript').then((module) => new TypeService((module as { default: typeof ts }).default ?? (module as unknown as typeof ts)));
  return shared;
}
