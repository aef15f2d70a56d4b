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
console.log(`built ${out} from ${sources.length} sources`);
