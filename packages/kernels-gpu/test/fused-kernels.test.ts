/**
 * The fused kernels in headless Chromium, on WebGPU and on WebGL2 (both on SwiftShader when there
 * is no GPU): parity with core's stock-op composition on random inputs (forward ≤ 1e-4, and the
 * gradients), the tiny BERT fixture's hidden states through the whole model against
 * reference.json, and the encoder actually running the fused kernels.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, openBrowserSession, type BrowserSession } from '../../../test/support/browser.js';
import { hasShared, sharedPath } from '../../../test/support/shared.js';
import type { AttentionCase, Backend, EnvironmentInfo, GeluCase, LayerNormCase, ParityResult } from './browser/protocol.js';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const TOLERANCE = 1e-4;

// Sequence 1..512, heads 1..16, head dim 8..128, with and without masks, with and without probs.
// Sized so that both backends on SwiftShader stay within a few minutes.
const ATTENTION_CASES: AttentionCase[] = [
  { batch: 1, heads: 1, seqQ: 1, seqK: 1, headDim: 8, mask: 'none', returnProbs: true, seed: 1 },
  { batch: 2, heads: 3, seqQ: 7, seqK: 7, headDim: 16, mask: 'random', returnProbs: true, seed: 2 },
  { batch: 2, heads: 12, seqQ: 33, seqK: 33, headDim: 64, mask: 'random', returnProbs: false, seed: 3 },
  { batch: 1, heads: 16, seqQ: 128, seqK: 128, headDim: 32, mask: 'int32', returnProbs: true, seed: 4 },
  { batch: 1, heads: 4, seqQ: 512, seqK: 512, headDim: 64, mask: 'random', returnProbs: false, seed: 5 },
  { batch: 1, heads: 2, seqQ: 100, seqK: 100, headDim: 128, mask: 'none', returnProbs: true, seed: 6 },
  { batch: 1, heads: 16, seqQ: 256, seqK: 256, headDim: 128, mask: 'random', returnProbs: false, seed: 9 },
  { batch: 3, heads: 2, seqQ: 5, seqK: 9, headDim: 24, mask: 'allPadRow', returnProbs: true, seed: 7 },
  { batch: 2, heads: 2, seqQ: 13, seqK: 13, headDim: 9, mask: 'random', returnProbs: true, seed: 8 },
];

const LAYER_NORM_CASES: LayerNormCase[] = [
  { shape: [1, 1, 8], residual: false, epsilon: 1e-12, seed: 11 },
  { shape: [2, 7, 32], residual: true, epsilon: 1e-12, seed: 12 },
  { shape: [3, 5, 768], residual: true, epsilon: 1e-5, seed: 13 },
  { shape: [3, 5, 768], residual: false, epsilon: 1e-12, seed: 14 },
  { shape: [4, 33, 13], residual: true, epsilon: 1e-6, seed: 15 },
  { shape: [17, 64], residual: false, epsilon: 1e-12, seed: 16 },
  { shape: [2, 3, 5, 16], residual: true, epsilon: 1e-12, seed: 17 },
  { shape: [1, 128, 1024], residual: true, epsilon: 1e-12, seed: 18 },
];

const GELU_CASES: GeluCase[] = [
  { shape: [1, 1, 4], approximate: 'erf', scale: 1, seed: 21 },
  { shape: [2, 7, 64], approximate: 'erf', scale: 2, seed: 22 },
  { shape: [2, 7, 64], approximate: 'tanh', scale: 2, seed: 23 },
  { shape: [3, 5, 3072], approximate: 'erf', scale: 3, seed: 24 },
  { shape: [4, 33, 13], approximate: 'tanh', scale: 6, seed: 25 },
  { shape: [17, 37], approximate: 'erf', scale: 6, seed: 26 },
  { shape: [2, 3, 5, 16], approximate: 'tanh', scale: 1, seed: 27 },
];

// Gradients: core's stock-op gradient functions behind the fused forward vs autodiff through the
// composition. Smaller shapes (the backward pass is stock ops either way).
const ATTENTION_GRAD_CASES: AttentionCase[] = [
  { batch: 2, heads: 2, seqQ: 9, seqK: 9, headDim: 16, mask: 'random', returnProbs: false, seed: 31 },
  { batch: 1, heads: 3, seqQ: 17, seqK: 17, headDim: 8, mask: 'none', returnProbs: true, seed: 32 },
];
const LAYER_NORM_GRAD_CASES: LayerNormCase[] = [
  { shape: [2, 5, 32], residual: true, epsilon: 1e-12, seed: 41 },
  { shape: [3, 13], residual: false, epsilon: 1e-5, seed: 42 },
];
const GELU_GRAD_CASES: GeluCase[] = [
  { shape: [2, 5, 32], approximate: 'erf', scale: 2, seed: 51 },
  { shape: [3, 13], approximate: 'tanh', scale: 3, seed: 52 },
];

const label = (c: object) => JSON.stringify(c).replace(/"/g, '');

/** Every diff within tolerance, gradients relative to their magnitude (at least 1). */
function expectParity(result: ParityResult, relative = false): void {
  for (const [name, diff] of Object.entries(result.maxDiff)) {
    const bound = relative ? TOLERANCE * Math.max(1, result.maxAbs[name]) : TOLERANCE;
    expect(diff, `${name}: max |fused − stock| = ${diff} (max |stock| = ${result.maxAbs[name]})`).toBeLessThanOrEqual(bound);
  }
}

const hasFixture = hasShared('fixtures', 'tiny-bert');

(browserAvailable() ? describe : describe.skip)('fused kernels in headless Chromium', () => {
  let session: BrowserSession;
  let info: EnvironmentInfo;
  const report: string[] = [];

  // Runs `fn` in the page (Playwright serialises it, so it may only use its argument and globals).
  const call = <A, R>(fn: (arg: A) => Promise<R>, arg: A): Promise<R> =>
    session.page.evaluate(fn as (arg: unknown) => Promise<R>, arg as unknown);

  beforeAll(async () => {
    session = await openBrowserSession({
      entry: here('./browser/page.ts'),
      bundle: { alias: { '@wb/core': here('../../core/src/index.ts') } },
      mounts: hasFixture ? { '/fixtures/': sharedPath('fixtures') } : {},
      readyGlobal: 'wbKernels',
    });
    info = await session.page.evaluate(() => window.wbKernels!.info());
    report.push(`environment: ${JSON.stringify(info)}`);
  });

  afterAll(async () => {
    if (report.length) console.log(report.join('\n'));
    await session?.close();
  });

  it('has WebGPU (a real adapter) and WebGL2, and registers the kernels for both', () => {
    expect(info.secureContext).toBe(true);
    expect(info.webgpu, JSON.stringify(info.webgpu)).toMatchObject({ available: true });
    expect(info.webgl, JSON.stringify(info.webgl)).toMatchObject({ available: true });
    expect(info.fusedBackends.sort()).toEqual(['webgl', 'webgpu']);
  });

  for (const backend of ['webgpu', 'webgl'] as Backend[]) {
    describe(backend, () => {
      beforeAll(async () => {
        expect(await call((b) => window.wbKernels!.useBackend(b), backend)).toBe(backend);
      });

      const check = async <C extends object>(kind: string, c: C, fn: (c: C) => Promise<ParityResult>, relative = false) => {
        const before = await session.page.evaluate(() => window.wbKernels!.numTensors());
        const result = await call(fn, c);
        const diffs = Object.entries(result.maxDiff).map(([n, d]) => `${n} ${d.toExponential(2)}`).join(', ');
        report.push(`${backend} ${kind} ${label(c)}: ${diffs} (fused ${result.fusedMs.toFixed(0)} ms, stock ${result.stockMs.toFixed(0)} ms)`);
        expectParity(result, relative);
        expect(await session.page.evaluate(() => window.wbKernels!.numTensors()), 'tensors leaked').toBe(before);
      };

      it.each(ATTENTION_CASES.map((c) => [label(c), c] as const))('attention %s', (_, c) =>
        check('attention', c, (x) => window.wbKernels!.attention(x)),
      );
      it.each(LAYER_NORM_CASES.map((c) => [label(c), c] as const))('layerNorm %s', (_, c) =>
        check('layerNorm', c, (x) => window.wbKernels!.layerNorm(x)),
      );
      it.each(GELU_CASES.map((c) => [label(c), c] as const))('biasGelu %s', (_, c) =>
        check('biasGelu', c, (x) => window.wbKernels!.gelu(x)),
      );
      it.each(ATTENTION_GRAD_CASES.map((c) => [label(c), c] as const))('attention gradients %s', (_, c) =>
        check('attention grad', c, (x) => window.wbKernels!.attentionGrad(x), true),
      );
      it.each(LAYER_NORM_GRAD_CASES.map((c) => [label(c), c] as const))('layerNorm gradients %s', (_, c) =>
        check('layerNorm grad', c, (x) => window.wbKernels!.layerNormGrad(x), true),
      );
      it.each(GELU_GRAD_CASES.map((c) => [label(c), c] as const))('biasGelu gradients %s', (_, c) =>
        check('biasGelu grad', c, (x) => window.wbKernels!.geluGrad(x), true),
      );

      it('backpropagates through a whole encoder (the fine-tuning path) like the composition', async () => {
        const result = await session.page.evaluate(() => window.wbKernels!.encoderGrad());
        const worst = Object.entries(result.maxDiff)
          .map(([name, diff]) => ({ name, diff, ratio: diff / Math.max(1, result.maxAbs[name]) }))
          .sort((a, b) => b.ratio - a.ratio);
        report.push(
          `${backend} encoder grads (${worst.length} weights): worst ${worst[0].name} ${worst[0].diff.toExponential(2)} ` +
            `(max |grad| ${result.maxAbs[worst[0].name].toExponential(2)}); fused ${result.fusedMs.toFixed(0)} ms, stock ${result.stockMs.toFixed(0)} ms`,
        );
        expect(worst.length).toBeGreaterThan(20);
        expectParity(result, true);
      });

      (hasFixture ? it : it.skip)('runs the tiny BERT fixture through the fused kernels and matches reference.json', async () => {
        const result = await session.page.evaluate(() => window.wbKernels!.fixture());
        report.push(`${backend} tiny-bert: ${JSON.stringify(result)}`);
        expect(result.cases).toBeGreaterThan(0);
        expect(result.maxDiffSingle).toBeLessThanOrEqual(TOLERANCE);
        expect(result.maxDiffBatch).toBeLessThanOrEqual(TOLERANCE);
        for (const kernel of ['WbFusedAttention', 'WbLayerNorm', 'WbAddLayerNorm', 'WbBiasGelu']) {
          expect(result.kernelNames, `the encoder did not run ${kernel}`).toContain(kernel);
        }
        // The stock attention path (Softmax) must not have run: every attention went through the kernel.
        expect(result.kernelNames).not.toContain('Softmax');
      });
    });
  }
});
