/**
 * What `import … from '…'` gives cells in the browser kernel: the packages bundled into the worker
 * (there is no node_modules to resolve from in a browser). `@wb/core/node` and `@wb/tasks/node`
 * are their browser-safe halves (core's own loaders and tasks' file readers read the served files over HTTP); asking them
 * for a Node-only name (`saveElmo`, `readCorpus`, …) is an error that says so, rather than an
 * `undefined` that fails later. `@wb/workbench/data` is where the served files are (`browser-files.ts`).
 */
import * as tf from '@tensorflow/tfjs-core';
import * as core from '@wb/core';
import * as kernelsGpu from '@wb/kernels-gpu';
import * as tasks from '@wb/tasks';
import { withMovedDataNames } from '../moved-data-names.js';
import { kernelPlot } from '../plot.js';
import { readServedText, type BrowserData } from './browser-files.js';

/** Names as a cell gives them → the package whose version the run record notes. */
const PACKAGE_OF: Record<string, string> = {
  '@wb/core': '@wb/core',
  '@wb/core/node': '@wb/core',
  '@wb/tasks': '@wb/tasks',
  '@wb/tasks/node': '@wb/tasks',
  '@wb/kernels-gpu': '@wb/kernels-gpu',
  '@wb/workbench/data': '@wb/workbench',
  '@tensorflow/tfjs-core': '@tensorflow/tfjs-core',
  '@observablehq/plot': '@observablehq/plot',
};

/** A module whose missing names are an error naming the kernel to switch to. */
function browserHalf(specifier: string, available: Record<string, unknown>): object {
  return new Proxy(available, {
    get(target, key, receiver) {
      // `then` is asked by `await`; symbols by inspection.
      if (typeof key === 'symbol' || key in target || key === 'then') return Reflect.get(target, key, receiver);
      throw new Error(`"${key}" from '${specifier}' is not available in the browser kernel (it needs Node's file system); switch the notebook to the Node kernel to use it`);
    },
  });
}

export function kernelModules(data: BrowserData): { resolve(specifier: string): object; packageOf(specifier: string): string | undefined } {
  let coreNode: object | undefined;
  const modules: Record<string, () => object> = {
    '@wb/core': () => core,
    // With the names that moved to '@wb/workbench/data', for notebooks saved before (deprecated).
    '@wb/core/node': () => (coreNode ??= browserHalf('@wb/core/node', withMovedDataNames(core, data, (message) => console.warn(message)))),
    '@wb/tasks': () => tasks,
    // The path readers (`readSst2`, ...) read the served files here.
    '@wb/tasks/node': () => browserHalf('@wb/tasks/node', { ...tasks, readTextFile: readServedText, ...tasks.pathReaders(readServedText) }),
    '@wb/kernels-gpu': () => kernelsGpu,
    '@wb/workbench/data': () => browserHalf('@wb/workbench/data', { ...data }),
    '@tensorflow/tfjs-core': () => tf,
    // The cells' own `Plot`: it draws into the kernel's document (`../plot.ts`).
    '@observablehq/plot': () => kernelPlot(),
  };
  return {
    resolve(specifier) {
      const module = modules[specifier];
      if (module) return module();
      if (specifier.startsWith('node:') || /^(fs|path|os|child_process|crypto|url|util|worker_threads)(\/|$)/.test(specifier)) {
        throw new Error(`'${specifier}' is a Node module; the browser kernel has none. Switch the notebook to the Node kernel to use it`);
      }
      throw new Error(`the browser kernel cannot import '${specifier}': it has only the packages it bundles (${Object.keys(modules).join(', ')})`);
    },
    packageOf: (specifier) => PACKAGE_OF[specifier],
  };
}
