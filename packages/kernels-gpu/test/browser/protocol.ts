/** What the browser page (page.ts) exposes as `window.wbKernels`, shared with the vitest side and the bench. */

export type Backend = 'webgpu' | 'webgl';

export interface EnvironmentInfo {
  userAgent: string;
  secureContext: boolean;
  /** Backends the fused kernels were registered for. */
  fusedBackends: string[];
  webgpu: { available: boolean; adapter?: { vendor: string; architecture: string; device: string; description: string }; error?: string };
  webgl: { available: boolean; renderer?: string; error?: string };
}

export interface AttentionCase {
  batch: number;
  heads: number;
  seqQ: number;
  seqK: number;
  headDim: number;
  /** none: no mask; random: float 0/1 with ≥1 real key a row; int32: the same as int32; allPadRow: batch 0 entirely padding. */
  mask: 'none' | 'random' | 'int32' | 'allPadRow';
  returnProbs: boolean;
  seed: number;
}

export interface LayerNormCase {
  shape: number[];
  residual: boolean;
  epsilon: number;
  seed: number;
}

export interface GeluCase {
  shape: number[];
  approximate: 'erf' | 'tanh';
  /** Standard deviation of x (large values test the tails of erf and tanh). */
  scale: number;
  seed: number;
}

export interface ParityResult {
  /** max |fused − stock| per output (or per gradient), by name. */
  maxDiff: Record<string, number>;
  /** max |stock| per output, to judge the diffs against. */
  maxAbs: Record<string, number>;
  fusedMs: number;
  stockMs: number;
}

export interface FixtureResult {
  /** max |hidden − reference| over every case, layer, token and unit, each sentence alone. */
  maxDiffSingle: number;
  /** The same with all cases in one padded batch (real positions only). */
  maxDiffBatch: number;
  cases: number;
  /** Kernel names the encoder ran (from tf.profile). */
  kernelNames: string[];
}

export interface KernelBenchResult {
  op: 'attention' | 'layernorm' | 'gelu';
  shape: Record<string, number | string | boolean>;
  fused_ms: number;
  stock_ms: number;
}

export interface EncoderBenchResult {
  shape: Record<string, number>;
  fused_ms: number;
  stock_ms: number;
  fused_tokens_per_s: number;
  stock_tokens_per_s: number;
}

export interface KernelsPage {
  info(): Promise<EnvironmentInfo>;
  useBackend(name: Backend): Promise<string>;
  attention(c: AttentionCase): Promise<ParityResult>;
  layerNorm(c: LayerNormCase): Promise<ParityResult>;
  gelu(c: GeluCase): Promise<ParityResult>;
  attentionGrad(c: AttentionCase): Promise<ParityResult>;
  layerNormGrad(c: LayerNormCase): Promise<ParityResult>;
  geluGrad(c: GeluCase): Promise<ParityResult>;
  /** Gradients of every encoder weight of a small random BERT (padded batch), fused vs stock. */
  encoderGrad(): Promise<ParityResult>;
  fixture(): Promise<FixtureResult>;
  benchKernels(iterations: number): Promise<KernelBenchResult[]>;
  benchEncoder(shape: { layers: number; hidden: number; heads: number; intermediate: number; batch: number; seq: number }, runs: number): Promise<EncoderBenchResult>;
  /** Live tensors, to check that nothing leaks. */
  numTensors(): number;
}

declare global {
  interface Window {
    wbKernels?: KernelsPage;
  }
}
