// Every core test runs with the workbench's wasm kernels registered, as the `wb` commands and the
// Node kernel do; wasm-kernels.test.ts and wasm-attention.test.ts compare them with stock tfjs ops.
import { initBackend } from '../../src/backend.js';
import { registerWasmKernels } from '../../src/kernels-wasm/load-node.js';

await registerWasmKernels();
// The files share their process (vitest.config.ts): each starts on the backend `initBackend()` picks
// in a fresh process (wasm, or WB_BACKEND), not on the one the file before it chose.
await initBackend(process.env.WB_BACKEND || 'wasm');
