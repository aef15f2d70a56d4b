/**
 * `/assets/kernel/`: the browser kernel's worker bundle (built into dist/ui/assets/kernel by
 * `ui/build.ts`) and tfjs' WebAssembly binaries, served from the installed
 * @tensorflow/tfjs-backend-wasm (`setWasmPaths` points the worker here), so that they always match
 * the bundled tfjs.
 *
 * The worker gets a policy of its own: it evaluates cells (`eval`, as the Node kernel runs them
 * through `vm`) and compiles WebAssembly, which the pages' policy forbids. Only the worker has
 * that; the pages, which show outputs, keep `script-src 'self'`.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import express, { Router } from 'express';

export const KERNEL_WORKER_CSP = [
  "default-src 'self'",
  "script-src 'self' 'unsafe-eval' 'wasm-unsafe-eval'",
  "connect-src 'self'",
  "img-src 'self' data: blob:",
  "object-src 'none'",
  "base-uri 'none'",
].join('; ');

function tfjsWasmDir(): string {
  return dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'));
}

export function kernelAssets(uiAssets: string): Router {
  const router = Router();
  router.use((_req, res, next) => {
    res.set('Content-Security-Policy', KERNEL_WORKER_CSP);
    next();
  });
  router.use('/tfjs-wasm', (req, res, next) => {
    if (!/^\/[\w.-]+\.wasm$/.test(req.path)) return void res.status(404).type('text/plain').send('Not found\n');
    next();
  });
  router.use('/tfjs-wasm', express.static(tfjsWasmDir(), { index: false, fallthrough: false }));
  router.use(express.static(join(uiAssets, 'kernel'), { index: false, fallthrough: false }));
  return router;
}
