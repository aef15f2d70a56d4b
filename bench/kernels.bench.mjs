// Fused GPU kernels (packages/kernels-gpu) vs core's stock-op composition, in headless Chromium on
// WebGPU and WebGL in the same run: per-kernel time and whole-encoder tokens/s. Without a GPU both
// backends run on SwiftShader (CPU), so only the fused/stock ratio means anything. Times are the
// median of alternating fused and stock runs after one warm-up of each (shader compiles).
// `npm run bench -- --only kernels`
// One JSON line per measurement:
//   {"bench":"kernel","backend":"webgpu"|"webgl","op":"attention"|"layernorm"|"gelu"|"encoder","shape":{...},"fused_ms":x,"stock_ms":y,...}
import { build } from 'esbuild';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const ITERATIONS = 5;
// The mini shape of encoder.bench.mjs (4 layers × 256), one sequence of 128 tokens: SwiftShader's
// WebGPU matmuls are slow (~0.1 GMAC/s on 2 cores), so a bigger batch takes minutes.
const ENCODER = { layers: 4, hidden: 256, heads: 4, intermediate: 1024, batch: 1, seq: 128 };
const ENCODER_RUNS = 3;

// The browser harness is TypeScript (test/support/browser.ts): compile it for Node first, inside
// the repository so that its imports (esbuild, playwright-core) resolve.
const cache = join(root, 'node_modules', '.cache');
await mkdir(cache, { recursive: true });
const tmp = await mkdtemp(join(cache, 'wb-bench-kernels-'));
await build({
  entryPoints: [join(root, 'test/support/browser.ts')],
  bundle: true,
  platform: 'node',
  format: 'esm',
  packages: 'external',
  outfile: join(tmp, 'browser.mjs'),
  logLevel: 'error',
});
const { browserAvailable, openBrowserSession } = await import(pathToFileURL(join(tmp, 'browser.mjs')).href);

let session;
let failed = false;
try {
  if (!browserAvailable()) {
    console.error('# kernels: no Chromium, nothing measured');
  } else {
    session = await openBrowserSession({
      entry: join(root, 'packages/kernels-gpu/test/browser/page.ts'),
      bundle: { alias: { '@wb/core': join(root, 'packages/core/src/index.ts') } },
      readyGlobal: 'wbKernels',
    });
    const { page } = session;
    const info = await page.evaluate(() => window.wbKernels.info());
    console.error(`# kernels: webgpu adapter ${JSON.stringify(info.webgpu)}; webgl ${JSON.stringify(info.webgl)}`);
    for (const backend of ['webgpu', 'webgl']) {
      const available = backend === 'webgpu' ? info.webgpu.available : info.webgl.available;
      if (!available) {
        console.error(`# kernels: ${backend} is not available in this Chromium, skipped`);
        failed = true;
        continue;
      }
      await page.evaluate((b) => window.wbKernels.useBackend(b), backend);
      const kernels = await page.evaluate((n) => window.wbKernels.benchKernels(n), ITERATIONS);
      for (const k of kernels) {
        console.log(
          JSON.stringify({
            bench: 'kernel',
            backend,
            op: k.op,
            shape: k.shape,
            fused_ms: k.fused_ms,
            stock_ms: k.stock_ms,
            speedup: +(k.stock_ms / k.fused_ms).toFixed(2),
          }),
        );
      }
      const enc = await page.evaluate(([s, r]) => window.wbKernels.benchEncoder(s, r), [ENCODER, ENCODER_RUNS]);
      console.log(
        JSON.stringify({
          bench: 'kernel',
          backend,
          op: 'encoder',
          shape: enc.shape,
          fused_ms: enc.fused_ms,
          stock_ms: enc.stock_ms,
          speedup: +(enc.stock_ms / enc.fused_ms).toFixed(2),
          fused_tokens_per_s: enc.fused_tokens_per_s,
          stock_tokens_per_s: enc.stock_tokens_per_s,
        }),
      );
    }
  }
} catch (e) {
  console.error(`# kernels: ${e.stack ?? e}`);
  if (session) console.error(session.log.join('\n'));
  failed = true;
} finally {
  await session?.close();
  await rm(tmp, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
