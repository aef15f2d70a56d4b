/**
 * The Node kernel's executor: `CellExecutor` (the cell machinery both kernels share) with what
 * is Node's own. Cells run in this process's realm through `vm`; an AsyncLocalStorage remembers
 * which execution any later output or loop belongs to (a timer set by cell 3 prints into cell 3);
 * imports resolve from the kernel's own packages, then from the notebook's folder; the run record
 * notices every file the cells read through `node:fs` (`run-record.ts`).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import vm from 'node:vm';
import * as workbenchData from '../data.js';
import { CellExecutor } from './cell-executor.js';
import { withMovedDataNames } from './moved-data-names.js';
import type { KernelEvent } from './protocol.js';
import { RunRecorder } from './run-record.js';
import { transpileCell } from './transpile.js';

export class Executor extends CellExecutor {
  readonly recorder: RunRecorder;

  constructor(
    emit: (event: KernelEvent) => void,
    /** [0]: the latest execution that was interrupted (set by another thread). */
    flag: Int32Array,
    cwd: string,
  ) {
    const als = new AsyncLocalStorage<number>();
    const recorder = new RunRecorder(cwd);
    let coreNode: Record<string, unknown> | undefined;
    super(emit, flag, {
      transpile: transpileCell,
      evaluate: (code, filename) => vm.runInThisContext(code, { filename }) as () => Promise<unknown>,
      runAs: (seq, fn) => als.run(seq, fn),
      currentSeq: () => als.getStore(),
      import: async (specifier: string) => {
        let target = specifier;
        if (specifier.startsWith('.') || isAbsolute(specifier)) {
          target = pathToFileURL(resolve(cwd, specifier)).href;
        } else if (!specifier.startsWith('node:')) {
          target = resolveBare(specifier, cwd);
          recorder.notePackage(specifier, target);
        }
        const module = await import(target);
        if (specifier !== '@wb/core/node') return module;
        // Notebooks saved before the data helpers moved to '@wb/workbench/data' import them from here.
        return (coreNode ??= withMovedDataNames(module, workbenchData, (message) => console.warn(message)));
      },
      importMeta: { url: pathToFileURL(join(cwd, 'notebook.ts')).href, dirname: cwd },
      recorder,
    });
    this.recorder = recorder;
    recorder.watchFiles(() => this.busy);
  }
}

/** A bare specifier: from the kernel's own packages first, then from the notebook's folder. */
function resolveBare(specifier: string, cwd: string): string {
  try {
    return import.meta.resolve(specifier);
  } catch {
    return pathToFileURL(createRequire(join(cwd, 'notebook.js')).resolve(specifier)).href;
  }
}
