#!/usr/bin/env node
// Compiles packages/core/wasm/*.c into one module, wasm/kernels.wasm, with clang (Debian:
// `apt-get install clang lld`). The .wasm file is committed, so that `npm install` needs no C toolchain; run this after
// changing a .c file (`npm run build:wasm -w @wb/core`). Freestanding: no libc, SIMD on, memory imported.
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const folder = join(dirname(fileURLToPath(import.meta.url)), '..', 'wasm');
const sources = readdirSync(folder).filter((f) => f.endsWith('.c')).sort().map((f) => join(folder, f));
const out = join(folder, 'kernels.wasm');
execFileSync('clang', [
  '--target=wasm32', '-O3', '-msimd128', '-mbulk-memory', '-ffast-math', '-fno-math-errno', '-nostdlib',
  '-Wl,--no-entry', '-Wl,--import-memory', '-Wl,--strip-all',
  '-o', out, ...sources,
], { stdio: 'inherit' });
// runWasmKernel lays the tensors out from the start of memory, where clang would keep its stack
// and constant data: a kernel that spills to the stack (out-pointers to locals, large local arrays)
// or keeps tables in memory would corrupt its own inputs. Refuse such a build.
const disassembly = execFileSync('llvm-objdump', ['-d', '-h', out], { encoding: 'utf8' });
if (/global\.(get|set)|\bDATA\b/.test(disassembly)) {
  throw new Error(`${out} uses the stack or a data section; keep kernels to registers and the tensors they are given`);
}
console.log(`built ${out} from ${sources.length} sources`);
