/**
 * What the WebGPU and WebGL kernels share: structural types for the two backends' program APIs
 * (kept local so that this package needs the backends only at run time, never imports them), the
 * input checks of each op contract, and the constants the stock ops use (erf's coefficients, the
 * mask score), so that a fused kernel and the stock composition compute the same function.
 */
import { backend_util, type DataType, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { MASKED_SCORE } from '@wb/core';

export { MASKED_SCORE };

/** tfjs-backend-webgpu's `WebGPUProgram`, the fields this package sets. */
export interface WebGPUProgram {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[]; y?: number[]; z?: number[] };
  dispatch: [number, number, number];
  variableNames: string[];
  /** Element width of each input binding (1 = f32, 4 = vec4<f32>). */
  variableComponents?: number[];
  /** Element width of the output binding. */
  outputComponent?: number;
  /** Extra fields appended to the generated `Uniforms` struct, e.g. `'scale : f32,'`. */
  uniforms?: string;
  /** Adds a `size : i32` uniform (the output size in elements of `outputComponent`). */
  size?: boolean;
  workgroupSize: [number, number, number];
  getUserCode(): string;
}

type ProgramUniform = Array<{ type: 'float32' | 'int32' | 'uint32'; data: number[] }>;

/** The part of tfjs-backend-webgpu's `WebGPUBackend` the kernels use. */
export interface WebGPUBackendLike {
  runWebGPUProgram(program: WebGPUProgram, inputs: TensorInfo[], outputDtype: DataType, uniforms?: ProgramUniform): TensorInfo;
  disposeData(dataId: object): boolean;
}

/** tfjs-backend-webgl's `GPGPUProgram`. */
export interface GPGPUProgram {
  variableNames: string[];
  outputShape: number[];
  userCode: string;
  packedInputs?: boolean;
  packedOutput?: boolean;
  customUniforms?: Array<{ name: string; type: 'float' | 'int' | 'vec2' | 'vec3' | 'vec4' | 'ivec2' | 'ivec3' | 'ivec4' }>;
}

/** The part of tfjs-backend-webgl's `MathBackendWebGL` the kernels use. */
export interface WebGLBackendLike {
  runWebGLProgram(program: GPGPUProgram, inputs: TensorInfo[], outputDtype: DataType, customUniformValues?: number[][]): TensorInfo;
  disposeIntermediateTensorInfo(info: TensorInfo): void;
}

/** Runs another kernel registered for `backendName` on TensorInfos, as tfjs' own kernels compose. */
export function callKernel(
  kernelName: string,
  backendName: string,
  backend: object,
  inputs: Record<string, TensorInfo>,
  attrs: NamedAttrMap = {},
): TensorInfo {
  const kernel = tf.getKernel(kernelName, backendName);
  if (!kernel) throw new Error(`@wb/kernels-gpu: the ${backendName} backend has no ${kernelName} kernel`);
  const out = kernel.kernelFunc({ inputs, backend, attrs });
  if (Array.isArray(out)) throw new Error(`@wb/kernels-gpu: ${kernelName} returned ${out.length} tensors, expected 1`);
  return out;
}

export function reshapeInfo(backendName: string, backend: object, x: TensorInfo, shape: number[]): TensorInfo {
  return callKernel('Reshape', backendName, backend, { x }, { shape });
}

const shapeText = (s: readonly number[]) => `[${s.join(', ')}]`;

export interface AttentionDims {
  batch: number;
  heads: number;
  seqQ: number;
  seqK: number;
  headDim: number;
}

/** Checks the inputs of WbFusedAttention and returns their sizes. */
export function attentionDims(q: TensorInfo, k: TensorInfo, v: TensorInfo, mask: TensorInfo): AttentionDims {
  const where = 'WbFusedAttention';
  if (q.shape.length !== 4 || k.shape.length !== 4 || v.shape.length !== 4) {
    throw new Error(
      `${where}: q, k and v must be [batch, heads, seq, headDim], got q ${shapeText(q.shape)}, k ${shapeText(k.shape)}, v ${shapeText(v.shape)}`,
    );
  }
  const [batch, heads, seqQ, headDim] = q.shape;
  const [kb, kh, seqK, kd] = k.shape;
  if (kb !== batch || kh !== heads || kd !== headDim) {
    throw new Error(`${where}: k ${shapeText(k.shape)} does not match q ${shapeText(q.shape)} in batch, heads or headDim`);
  }
  if (v.shape.some((d, i) => d !== k.shape[i])) {
    throw new Error(`${where}: v ${shapeText(v.shape)} must have k's shape ${shapeText(k.shape)}`);
  }
  if (mask.shape.length !== 2 || mask.shape[0] !== batch || mask.shape[1] !== seqK) {
    throw new Error(`${where}: mask must be [batch, seqK] = [${batch}, ${seqK}], got ${shapeText(mask.shape)}`);
  }
  for (const [name, t] of [['q', q], ['k', k], ['v', v]] as const) {
    if (t.dtype !== 'float32') throw new Error(`${where}: ${name} must be float32, got ${t.dtype}`);
  }
  return { batch, heads, seqQ, seqK, headDim };
}

/** Checks x (and residual), gamma and beta of WbLayerNorm / WbAddLayerNorm; returns rows × cols. */
export function layerNormDims(
  kernel: string,
  x: TensorInfo,
  gamma: TensorInfo,
  beta: TensorInfo,
  residual?: TensorInfo,
): { rows: number; cols: number } {
  if (x.shape.length < 1) throw new Error(`${kernel}: x must have at least one axis`);
  const cols = x.shape[x.shape.length - 1];
  if (residual && residual.shape.some((d, i) => d !== x.shape[i])) {
    throw new Error(`${kernel}: residual ${shapeText(residual.shape)} must have x's shape ${shapeText(x.shape)}`);
  }
  for (const [name, t] of [['gamma', gamma], ['beta', beta]] as const) {
    if (t.shape.length !== 1 || t.shape[0] !== cols) {
      throw new Error(`${kernel}: ${name} must be [${cols}] (x's last axis), got ${shapeText(t.shape)}`);
    }
  }
  for (const [name, t] of [['x', x], ['residual', residual], ['gamma', gamma], ['beta', beta]] as const) {
    if (t && t.dtype !== 'float32') throw new Error(`${kernel}: ${name} must be float32, got ${t.dtype}`);
  }
  return { rows: cols === 0 ? 0 : x.shape.reduce((a, b) => a * b, 1) / cols, cols };
}

export function biasGeluDims(x: TensorInfo, bias: TensorInfo): { size: number; cols: number } {
  const cols = x.shape[x.shape.length - 1];
  if (x.shape.length < 1 || bias.shape.length !== 1 || bias.shape[0] !== cols) {
    throw new Error(`WbBiasGelu: bias must be [${cols}] (x's last axis), got ${shapeText(bias.shape)} for x ${shapeText(x.shape)}`);
  }
  if (x.dtype !== 'float32' || bias.dtype !== 'float32') {
    throw new Error(`WbBiasGelu: x and bias must be float32, got ${x.dtype} and ${bias.dtype}`);
  }
  return { size: x.shape.reduce((a, b) => a * b, 1), cols };
}

export function geluApproximation(attrs: NamedAttrMap | undefined): 'erf' | 'tanh' {
  const approximate: unknown = attrs?.approximate ?? 'erf';
  if (approximate === 'erf' || approximate === 'tanh') return approximate;
  throw new Error(`WbBiasGelu: approximate must be 'erf' or 'tanh', got ${String(approximate)}`);
}

/** Formats a number as a shader float literal (always with a decimal point or exponent). */
function floatLiteral(x: number): string {
  const s = String(x);
  return /[.eE]/.test(s) ? s : `${s}.0`;
}

/** The coefficients tfjs' own Erf kernels use (Abramowitz & Stegun 7.1.26), for parity with stock ops. */
export const ERF = {
  p: floatLiteral(backend_util.ERF_P),
  a1: floatLiteral(backend_util.ERF_A1),
  a2: floatLiteral(backend_util.ERF_A2),
  a3: floatLiteral(backend_util.ERF_A3),
  a4: floatLiteral(backend_util.ERF_A4),
  a5: floatLiteral(backend_util.ERF_A5),
};

export const SQRT1_2 = floatLiteral(Math.SQRT1_2);
export const SQRT_2_OVER_PI = floatLiteral(Math.sqrt(2 / Math.PI));
export const MASKED = floatLiteral(MASKED_SCORE);
