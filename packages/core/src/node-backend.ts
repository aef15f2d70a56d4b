/**
 * The tfjs backend for Node processes (the `wb` commands, the Node kernel, benchmarks): wasm on
 * `threads` threads (default `WB_THREADS`, else the core count) with the workbench's own wasm
 * kernels registered, or whatever `backend` / `WB_BACKEND` names.
 */
import { initBackend, type BackendName } from './backend.js';
import { registerWasmKernels } from './kernels-wasm/load-node.js';
import { defaultThreadCount, useWasmThreads } from './wasm-threads.js';

export async function initNodeBackend(options: { backend?: string; threads?: number | string } = {}): Promise<{
  backend: BackendName;
  threads: number;
}> {
  const threads = useWasmThreads(defaultThreadCount(options.threads));
  await registerWasmKernels();
  const backend = await initBackend(options.backend);
  return { backend, threads: backend === 'wasm' ? threads : 1 };
}
