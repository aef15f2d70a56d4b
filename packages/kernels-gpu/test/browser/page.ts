/**
 * The browser side of the kernels-gpu tests and bench: tfjs with the WebGPU and WebGL backends,
 * core (its op contracts and BERT) and the fused kernels, exposed as `window.wbKernels`. Each check
 * runs an op twice on the active backend, with the fused kernel and with core's stock-op
 * composition (`setFusedKernelsEnabled(false)`), and returns the largest difference.
 */
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core alone registers no gradients for stock ops (the full @tensorflow/tfjs does).
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-webgpu';
import {
  FUSED_ADD_LAYER_NORM,
  FUSED_ATTENTION,
  FUSED_BIAS_GELU,
  FUSED_LAYER_NORM,
  BERT_DEFAULTS,
  attention,
  bertForward,
  bertFromStored,
  biasGelu,
  hasFusedKernel,
  initBertWeights,
  layerNorm,
  parseBertConfig,
  readSafetensors,
  Rng,
  setFusedKernelsEnabled,
} from '@wb/core';
import { registerFusedKernels } from '../../src/index.js';
import type {
  AttentionCase,
  Backend,
  EncoderBenchResult,
  EnvironmentInfo,
  FixtureResult,
  GeluCase,
  KernelBenchResult,
  KernelsPage,
  LayerNormCase,
  ParityResult,
} from './protocol.js';

const fusedBackends = registerFusedKernels();

/** core's seeded stream (mulberry32), so a case is the same in every run. */
function rng(seed: number): () => number {
  return new Rng(seed).uniformSource();
}

function normal(shape: number[], seed: number, std = 1, mean = 0): tf.Tensor {
  const source = new Rng(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from({ length: size }, () => mean + source.normal(std)), shape);
}

function makeMask(c: AttentionCase): tf.Tensor | undefined {
  if (c.mask === 'none') return undefined;
  const next = rng(c.seed + 7);
  const values = new Float32Array(c.batch * c.seqK);
  for (let b = 0; b < c.batch; b++) {
    for (let j = 0; j < c.seqK; j++) values[b * c.seqK + j] = j === 0 || next() < 0.7 ? 1 : 0;
    if (c.mask === 'allPadRow' && b === 0) values.fill(0, 0, c.seqK);
  }
  return tf.tensor(values, [c.batch, c.seqK], c.mask === 'int32' ? 'int32' : 'float32');
}

function maxAbsDiff(a: Float32Array | Int32Array | Uint8Array, b: Float32Array | Int32Array | Uint8Array): number {
  if (a.length !== b.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= worst)) worst = Number.isNaN(d) ? Infinity : d;
  }
  return worst;
}

function maxAbs(a: Float32Array | Int32Array | Uint8Array): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]));
  return worst;
}

type Outputs = Record<string, tf.Tensor | undefined>;

/** Runs `run` fused and stock on the active backend and compares every named output. */
async function parity(kernel: string, run: () => Outputs): Promise<ParityResult> {
  if (!hasFusedKernel(kernel)) throw new Error(`${kernel} has no fused kernel on ${tf.getBackend()}`);
  const timed = async (fused: boolean) => {
    setFusedKernelsEnabled(fused);
    try {
      const start = performance.now();
      const outputs = run();
      const values: Record<string, Float32Array | Int32Array | Uint8Array> = {};
      for (const [name, t] of Object.entries(outputs)) if (t) values[name] = await t.data();
      const ms = performance.now() - start;
      tf.dispose(Object.values(outputs).filter((t): t is tf.Tensor => t !== undefined));
      return { values, ms };
    } finally {
      setFusedKernelsEnabled(true);
    }
  };
  const fused = await timed(true);
  const stock = await timed(false);
  const result: ParityResult = { maxDiff: {}, maxAbs: {}, fusedMs: fused.ms, stockMs: stock.ms };
  for (const name of Object.keys(stock.values)) {
    result.maxDiff[name] = maxAbsDiff(fused.values[name], stock.values[name]);
    result.maxAbs[name] = maxAbs(stock.values[name]);
  }
  return result;
}

function attentionInputs(c: AttentionCase) {
  const q = normal([c.batch, c.heads, c.seqQ, c.headDim], c.seed) as tf.Tensor4D;
  const k = normal([c.batch, c.heads, c.seqK, c.headDim], c.seed + 1) as tf.Tensor4D;
  const v = normal([c.batch, c.heads, c.seqK, c.headDim], c.seed + 2) as tf.Tensor4D;
  return { q, k, v, mask: makeMask(c) };
}

function layerNormInputs(c: LayerNormCase) {
  const cols = c.shape[c.shape.length - 1];
  return {
    x: normal(c.shape, c.seed, 2, 0.5),
    residual: c.residual ? normal(c.shape, c.seed + 1) : undefined,
    gamma: normal([cols], c.seed + 2, 0.2, 1),
    beta: normal([cols], c.seed + 3, 0.2),
  };
}

function geluInputs(c: GeluCase) {
  return { x: normal(c.shape, c.seed, c.scale), bias: normal([c.shape[c.shape.length - 1]], c.seed + 1, 0.5) };
}

async function withInputs<T extends Record<string, tf.Tensor | undefined>, R>(inputs: T, body: (inputs: T) => Promise<R>): Promise<R> {
  try {
    return await body(inputs);
  } finally {
    tf.dispose(Object.values(inputs).filter((t): t is tf.Tensor => t !== undefined));
  }
}

async function fetchBytes(path: string): Promise<Uint8Array> {
  const res = await fetch(path);
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

async function fetchText(path: string): Promise<string> {
  const res = await fetch(path);
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  return res.text();
}

interface ReferenceCase {
  ids: number[];
  token_type_ids: number[];
  hidden_states: number[][][];
}

async function fixture(): Promise<FixtureResult> {
  const base = '/fixtures/tiny-bert';
  const { config, configJson } = parseBertConfig(await fetchText(`${base}/config.json`), 'config.json');
  const { tensors } = readSafetensors(await fetchBytes(`${base}/model.safetensors`), 'model.safetensors');
  const { weights } = bertFromStored({ config, configJson, tensors, source: 'tiny-bert' });
  const cases = (JSON.parse(await fetchText(`${base}/reference.json`)) as { cases: ReferenceCase[] }).cases;
  const compare = (hidden: Float32Array, seq: number, row: number, ref: number[][]) => {
    let worst = 0;
    const h = config.hiddenSize;
    for (let t = 0; t < ref.length; t++) {
      for (let u = 0; u < h; u++) {
        const d = Math.abs(hidden[(row * seq + t) * h + u] - ref[t][u]);
        if (!(d <= worst)) worst = Number.isNaN(d) ? Infinity : d;
      }
    }
    return worst;
  };
  try {
    let maxDiffSingle = 0;
    let kernelNames: string[] = [];
    for (const c of cases) {
      const inputIds = tf.tensor2d([c.ids], [1, c.ids.length], 'int32');
      const tokenTypeIds = tf.tensor2d([c.token_type_ids], [1, c.ids.length], 'int32');
      const profile = await tf.profile(() => {
        const out = bertForward(weights, config, { inputIds, tokenTypeIds });
        return out.hiddenStates as unknown as tf.Tensor[];
      });
      tf.dispose(profile.result as tf.TensorContainer);
      kernelNames = [...new Set([...kernelNames, ...profile.kernelNames])];
      const out = bertForward(weights, config, { inputIds, tokenTypeIds });
      for (let layer = 0; layer < out.hiddenStates.length; layer++) {
        const values = (await out.hiddenStates[layer].data()) as Float32Array;
        maxDiffSingle = Math.max(maxDiffSingle, compare(values, c.ids.length, 0, c.hidden_states[layer]));
      }
      tf.dispose([inputIds, tokenTypeIds, out as unknown as tf.TensorContainer]);
    }
    // All cases in one batch, padded at the end: the mask must make padding invisible.
    const seq = Math.max(...cases.map((c) => c.ids.length));
    const pad = (xs: number[]) => [...xs, ...Array(seq - xs.length).fill(0)];
    const inputIds = tf.tensor2d(cases.map((c) => pad(c.ids)), [cases.length, seq], 'int32');
    const tokenTypeIds = tf.tensor2d(cases.map((c) => pad(c.token_type_ids)), [cases.length, seq], 'int32');
    const attentionMask = tf.tensor2d(cases.map((c) => pad(c.ids.map(() => 1))), [cases.length, seq], 'int32');
    const out = bertForward(weights, config, { inputIds, tokenTypeIds, attentionMask });
    let maxDiffBatch = 0;
    for (let layer = 0; layer < out.hiddenStates.length; layer++) {
      const values = (await out.hiddenStates[layer].data()) as Float32Array;
      cases.forEach((c, row) => {
        maxDiffBatch = Math.max(maxDiffBatch, compare(values, seq, row, c.hidden_states[layer]));
      });
    }
    tf.dispose([inputIds, tokenTypeIds, attentionMask, out as unknown as tf.TensorContainer]);
    return { maxDiffSingle, maxDiffBatch, cases: cases.length, kernelNames };
  } finally {
    tf.dispose(Object.values(weights));
  }
}

/** Wall time of one call of `run`, until its outputs are downloaded. */
async function timeOnce(run: () => tf.Tensor | tf.Tensor[]): Promise<number> {
  const start = performance.now();
  const out = run();
  const list = Array.isArray(out) ? out : [out];
  await Promise.all(list.map((t) => t.data()));
  const ms = performance.now() - start;
  tf.dispose(list);
  return ms;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/**
 * Median time of `run` fused and stock, after a warm-up of each (shader compiles). The two
 * alternate, so that whatever else loads the machine weighs on both alike.
 */
async function fusedVsStock(run: () => tf.Tensor | tf.Tensor[], iterations: number) {
  const fused: number[] = [];
  const stock: number[] = [];
  try {
    for (let i = -1; i < iterations; i++) {
      setFusedKernelsEnabled(true);
      const f = await timeOnce(run);
      setFusedKernelsEnabled(false);
      const s = await timeOnce(run);
      if (i >= 0) {
        fused.push(f);
        stock.push(s);
      }
    }
  } finally {
    setFusedKernelsEnabled(true);
  }
  return { fused_ms: +median(fused).toFixed(3), stock_ms: +median(stock).toFixed(3) };
}

async function benchKernels(iterations: number): Promise<KernelBenchResult[]> {
  const results: KernelBenchResult[] = [];
  // BERT-base attention at sequence 128, and its LayerNorm / FFN activation over batch 4 × 128 tokens.
  {
    const c: AttentionCase = { batch: 4, heads: 12, seqQ: 128, seqK: 128, headDim: 64, mask: 'random', returnProbs: false, seed: 1 };
    const { q, k, v, mask } = attentionInputs(c);
    const times = await fusedVsStock(() => attention(q, k, v, mask).context, iterations);
    results.push({ op: 'attention', shape: { batch: 4, heads: 12, seq: 128, headDim: 64, mask: true }, ...times });
    tf.dispose([q, k, v, mask!]);
  }
  {
    const x = normal([4, 128, 768], 2);
    const residual = normal([4, 128, 768], 3);
    const gamma = normal([768], 4, 0.1, 1);
    const beta = normal([768], 5, 0.1);
    const times = await fusedVsStock(() => layerNorm(x, gamma, beta, 1e-12, residual), iterations);
    results.push({ op: 'layernorm', shape: { batch: 4, seq: 128, hidden: 768, residual: true }, ...times });
    tf.dispose([x, residual, gamma, beta]);
  }
  {
    const x = normal([4, 128, 3072], 6);
    const bias = normal([3072], 7, 0.1);
    const times = await fusedVsStock(() => biasGelu(x, bias, 'erf'), iterations);
    results.push({ op: 'gelu', shape: { batch: 4, seq: 128, features: 3072, approximate: 'erf' }, ...times });
    tf.dispose([x, bias]);
  }
  return results;
}

async function benchEncoder(
  shape: { layers: number; hidden: number; heads: number; intermediate: number; batch: number; seq: number },
  runs: number,
): Promise<EncoderBenchResult> {
  const config = {
    ...BERT_DEFAULTS,
    vocabSize: 1000,
    numHiddenLayers: shape.layers,
    hiddenSize: shape.hidden,
    numAttentionHeads: shape.heads,
    intermediateSize: shape.intermediate,
  };
  const weights = initBertWeights(config, { pooler: false });
  const next = rng(11);
  const ids = Array.from({ length: shape.batch * shape.seq }, () => 1 + Math.floor(next() * 999));
  const inputIds = tf.tensor2d(ids, [shape.batch, shape.seq], 'int32');
  const attentionMask = tf.ones([shape.batch, shape.seq]) as tf.Tensor2D;
  try {
    const times = await fusedVsStock(() => bertForward(weights, config, { inputIds, attentionMask }).hiddenStates, runs);
    const tokens = shape.batch * shape.seq;
    return {
      shape,
      ...times,
      fused_tokens_per_s: +((tokens * 1000) / times.fused_ms).toFixed(1),
      stock_tokens_per_s: +((tokens * 1000) / times.stock_ms).toFixed(1),
    };
  } finally {
    tf.dispose([inputIds, attentionMask, ...Object.values(weights)]);
  }
}

/** The fine-tuning path: d(loss)/d(weight) for every encoder weight, through all four kernels. */
function encoderGrad(): Promise<ParityResult> {
  const config = { ...BERT_DEFAULTS, vocabSize: 100, numHiddenLayers: 2, hiddenSize: 32, numAttentionHeads: 4, intermediateSize: 64 };
  const weights = initBertWeights(config, { pooler: false }, 3);
  // BERT's init leaves LayerNorm at 1/0 and biases at 0: move them so that their gradients mean something.
  for (const [name, w] of Object.entries(weights)) {
    if (name.endsWith('.bias') || name.includes('LayerNorm')) {
      weights[name] = tf.add(w, normal(w.shape, name.length, 0.1));
      w.dispose();
    }
  }
  const names = Object.keys(weights);
  const batch = 2;
  const seq = 7;
  const next = rng(5);
  const inputIds = tf.tensor2d(Array.from({ length: batch * seq }, () => 1 + Math.floor(next() * 99)), [batch, seq], 'int32');
  const attentionMask = tf.tensor2d([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0], [batch, seq]);
  const w = normal([batch, seq, config.hiddenSize], 9);
  return withInputs({ ...weights, inputIds, attentionMask, w }, () =>
    parity(FUSED_ATTENTION, () => {
      const grads = tf.grads((...ws: tf.Tensor[]) => {
        const named = Object.fromEntries(names.map((n, i) => [n, ws[i]]));
        const out = bertForward(named, config, { inputIds, attentionMask });
        return tf.sum(tf.mul(out.lastHiddenState, w));
      })(names.map((n) => weights[n]));
      return Object.fromEntries(names.map((n, i) => [n, grads[i]]));
    }),
  );
}

async function info(): Promise<EnvironmentInfo> {
  const env: EnvironmentInfo = {
    userAgent: navigator.userAgent,
    secureContext: isSecureContext,
    fusedBackends,
    webgpu: { available: false },
    webgl: { available: false },
  };
  const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<{ info?: Record<string, string> } | null> } }).gpu;
  if (!gpu) env.webgpu.error = 'navigator.gpu is undefined';
  else {
    try {
      const adapter = await gpu.requestAdapter();
      if (!adapter) env.webgpu.error = 'requestAdapter() returned null';
      else {
        const i = adapter.info ?? {};
        env.webgpu = {
          available: true,
          adapter: { vendor: i.vendor ?? '', architecture: i.architecture ?? '', device: i.device ?? '', description: i.description ?? '' },
        };
      }
    } catch (e) {
      env.webgpu.error = String(e);
    }
  }
  try {
    const gl = document.createElement('canvas').getContext('webgl2');
    if (!gl) env.webgl.error = "getContext('webgl2') returned null";
    else {
      const ext = gl.getExtension('WEBGL_debug_renderer_info');
      env.webgl = { available: true, renderer: String(gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER)) };
    }
  } catch (e) {
    env.webgl.error = String(e);
  }
  return env;
}

const page: KernelsPage = {
  info,
  async useBackend(name: Backend) {
    if (!(await tf.setBackend(name))) throw new Error(`tf.setBackend('${name}') failed`);
    await tf.ready();
    return tf.getBackend();
  },
  attention: (c) =>
    withInputs(attentionInputs(c), ({ q, k, v, mask }) =>
      parity(FUSED_ATTENTION, () => {
        const { context, probs } = attention(q, k, v, mask, { returnProbs: c.returnProbs });
        return probs ? { context, probs } : { context };
      }),
    ),
  layerNorm: (c) =>
    withInputs(layerNormInputs(c), ({ x, residual, gamma, beta }) =>
      parity(c.residual ? FUSED_ADD_LAYER_NORM : FUSED_LAYER_NORM, () => ({ y: layerNorm(x, gamma, beta, c.epsilon, residual) })),
    ),
  gelu: (c) =>
    withInputs(geluInputs(c), ({ x, bias }) => parity(FUSED_BIAS_GELU, () => ({ y: biasGelu(x, bias, c.approximate) }))),
  attentionGrad: (c) => {
    const inputs = attentionInputs(c);
    const wc = normal([c.batch, c.heads, c.seqQ, c.headDim], c.seed + 3);
    const wp = normal([c.batch, c.heads, c.seqQ, c.seqK], c.seed + 4);
    return withInputs({ ...inputs, wc, wp }, ({ q, k, v, mask }) =>
      parity(FUSED_ATTENTION, () => {
        const [dq, dk, dv] = tf.grads((qq: tf.Tensor, kk: tf.Tensor, vv: tf.Tensor) => {
          const { context, probs } = attention(qq as tf.Tensor4D, kk as tf.Tensor4D, vv as tf.Tensor4D, mask, { returnProbs: c.returnProbs });
          const loss = tf.sum(tf.mul(context, wc));
          return probs ? tf.add(loss, tf.sum(tf.mul(probs, wp))) : loss;
        })([q, k, v]);
        return { dq, dk, dv };
      }),
    );
  },
  layerNormGrad: (c) => {
    const w = normal(c.shape, c.seed + 5);
    return withInputs({ ...layerNormInputs(c), w }, ({ x, residual, gamma, beta }) =>
      parity(c.residual ? FUSED_ADD_LAYER_NORM : FUSED_LAYER_NORM, () => {
        const f = (xx: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor, rr?: tf.Tensor) => tf.sum(tf.mul(layerNorm(xx, gg, bb, c.epsilon, rr), w));
        if (residual) {
          const [dx, dGamma, dBeta, dResidual] = tf.grads(f)([x, gamma, beta, residual]);
          return { dx, dGamma, dBeta, dResidual };
        }
        const [dx, dGamma, dBeta] = tf.grads((xx: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) => f(xx, gg, bb))([x, gamma, beta]);
        return { dx, dGamma, dBeta };
      }),
    );
  },
  geluGrad: (c) => {
    const w = normal(c.shape, c.seed + 5);
    return withInputs({ ...geluInputs(c), w }, ({ x, bias }) =>
      parity(FUSED_BIAS_GELU, () => {
        const [dx, dBias] = tf.grads((xx: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(biasGelu(xx, bb, c.approximate), w)))([x, bias]);
        return { dx, dBias };
      }),
    );
  },
  encoderGrad,
  fixture,
  benchKernels,
  benchEncoder,
  numTensors: () => tf.memory().numTensors,
};

window.wbKernels = page;
// For poking at things from page.evaluate while debugging.
(window as unknown as { wbDebug: unknown }).wbDebug = { tf, bertForward, initBertWeights, BERT_DEFAULTS, setFusedKernelsEnabled };
