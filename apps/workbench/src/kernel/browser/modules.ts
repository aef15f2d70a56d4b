/**
 * What `import … from '…'` gives cells in the browser kernel: the packages bundled into the worker
 * (there is no node_modules to resolve from in a browser). `@wb/core/node` and `@wb/tasks/node`
 * are their browser-safe halves plus, for core, where the served files are (`browser-files.ts`; core's own
 * loaders read them over HTTP); asking them
 * for a Node-only name (`saveElmo`, `readCorpus`, …) is an error that says so, rather than an
 * `undefined` that fails later.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as core from '@wb/core';
import * as kernelsGpu from '@wb/kernels-gpu';
import * as tasks from '@wb/tasks';
import { kernelPlot } from '../plot.js';

/** Names as a cell gives them → the package whose version the run record notes. */
const PACKAGE_OF: Record<string, string> = {
  '@wb/core': '@wb/core',
  '@wb/core/node': '@wb/core',
  '@wb/tasks': '@wb/tasks',
  '@wb/tasks/node': '@wb/tasks',
  '@wb/kernels-gpu': '@wb/kernels-gpu',
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

export function kernelModules(coreNode: Record<string, unknown>): { resolve(specifier: string): object; packageOf(specifier: string): string | undefined } {
  const modules: Record<string, () => object> = {
    '@wb/core': () => core,
    '@wb/core/node': () => browserHalf('@wb/core/node', { ...core, ...coreNode }),
    '@wb/tasks': () => tasks,
    '@wb/tasks/node': () => browserHalf('@wb/tasks/node', { ...tasks }),
    '@wb/kernels-gpu': () => kernelsGpu,
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
