/**
 * Bundles the browser kernel (src/kernel/browser/worker.ts) as a module worker: tfjs-core with the
 * WebGPU, WebGL and wasm backends, @wb/kernels-gpu, @wb/core, @wb/tasks, Observable Plot and the
 * cell machinery. h5wasm, needed only for hdf5 ELMo weights, goes into a chunk of its own that the
 * worker imports on first use. Part of `buildUi()` (`build.ts`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const kernelSrc = fileURLToPath(new URL('../../src/kernel/', import.meta.url));

/** Packages whose versions the browser kernel's run record reports (`kernel/browser/versions.ts`). */
const REPORTED = ['@wb/core', '@wb/tasks', '@wb/kernels-gpu', '@wb/workbench', '@tensorflow/tfjs-core', '@observablehq/plot'];

/** Installed versions, read from node_modules as Node would find the packages from here. */
function bundledVersions(): Record<string, string> {
  const require = createRequire(import.meta.url);
  const versions: Record<string, string> = {};
  for (const name of REPORTED) {
    for (const dir of require.resolve.paths(name) ?? []) {
      const manifest = join(dir, name, 'package.json');
      if (!existsSync(manifest)) continue;
      versions[name] = (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
      break;
    }
  }
  return versions;
}

export async function buildKernelWorker(outdir: string): Promise<void> {
  await build({
    entryPoints: { worker: `${kernelSrc}browser/worker.ts` },
    bundle: true,
    format: 'esm',
    splitting: true,
    chunkNames: 'chunk-[hash]',
    platform: 'browser',
    target: 'es2022',
    outdir,
    minify: true,
    sourcemap: true,
    legalComments: 'linked',
    logLevel: 'warning',
    // The kernel's value formatting (`format.ts`) uses node:util's inspect; this is its browser stand-in.
    alias: { 'node:util': `${kernelSrc}browser/node-util.ts` },
    // linkedom tries node-canvas when it is installed, and falls back without it.
    external: ['canvas'],
    define: { WB_BUNDLED_VERSIONS: JSON.stringify(bundledVersions()) },
  });
}
