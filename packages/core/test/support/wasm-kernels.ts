// Every core test runs with the workbench's wasm kernels registered, as the `wb` commands and the
// Node kernel do; wasm-kernels.test.ts and wasm-attention.test.ts compare them with stock tfjs ops.
import { registerWasmKernels } from '../../src/kernels-wasm/load-node.js';

await registerWasmKernels();
