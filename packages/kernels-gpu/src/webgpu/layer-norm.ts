/**
 * WbLayerNorm and WbAddLayerNorm on WebGPU: one workgroup per row of the last axis (vec4 loads
 * when the row allows). The workgroup sums z = x (+ residual) for the mean, then (z − mean)² for
 * the variance (two passes, like tf.moments, not the cancellation-prone E[z²] − E[z]²), each
 * reduced in workgroup memory, and writes (z − mean)·rsqrt(var + eps)·gamma + beta. One launch instead of the ~10 of the composition,
 * and the residual sum is never stored.
 */
import type { KernelConfig, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { FUSED_ADD_LAYER_NORM, FUSED_LAYER_NORM } from '@wb/core';
import { layerNormDims, type WebGPUBackendLike, type WebGPUProgram } from '../common.js';

/** Invocations per row. */
const WG = 64;

const GROUP_INDEX = 'i32(workgroupId.x + workgroupId.y * numWorkgroups.x + workgroupId.z * numWorkgroups.x * numWorkgroups.y)';

class LayerNormProgram implements WebGPUProgram {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  variableNames: string[];
  variableComponents: number[];
  outputComponent: number;
  uniforms = 'epsilon : f32, rows : i32, cols : i32,';
  workgroupSize: [number, number, number] = [WG, 1, 1];
  private readonly withResidual: boolean;
  private readonly c: number;

  constructor(shape: number[], rows: number, cols: number, withResidual: boolean) {
    this.outputShape = shape;
    this.withResidual = withResidual;
    this.variableNames = withResidual ? ['X', 'Residual', 'Gamma', 'Beta'] : ['X', 'Gamma', 'Beta'];
    this.c = cols % 4 === 0 ? 4 : 1;
    this.variableComponents = this.variableNames.map(() => this.c);
    this.outputComponent = this.c;
    this.dispatchLayout = { x: shape.map((_, i) => i) };
    this.dispatch = [rows, 1, 1];
    this.shaderKey = `wbLayerNorm_${withResidual ? 'add' : 'plain'}_${this.c}`;
  }

  getUserCode(): string {
    const T = this.c === 4 ? 'vec4<f32>' : 'f32';
    const z = this.withResidual ? '(X[i] + Residual[i])' : 'X[i]';
    const hsum = this.c === 4 ? 'dot(v, vec4<f32>(1.0))' : 'v';
    // Each invocation folds a strided slice of the row; the partial sums meet in workgroup memory
    // and every invocation adds them up itself: one barrier a reduction instead of a tree's log2(WG).
    return `
      const WG : i32 = ${WG};
      const C : i32 = ${this.c};
      var<workgroup> partialSum : array<f32, ${WG}>;
      var<workgroup> partialSq : array<f32, ${WG}>;

      fn zAt(i : i32) -> ${T} {
        return ${z};
      }

      fn hsum(v : ${T}) -> f32 {
        return ${hsum};
      }

      fn main(index : i32) {
        let tid = i32(localId.x);
        let row = ${GROUP_INDEX};
        let cols = uniforms.cols;
        let n = cols / C;
        let live = row < uniforms.rows;
        let base = row * n;

        var sum = 0.0;
        if (live) {
          for (var c = tid; c < n; c += WG) {
            sum += hsum(zAt(base + c));
          }
        }
        partialSum[tid] = sum;
        workgroupBarrier();
        var total = 0.0;
        for (var t = 0; t < WG; t++) {
          total += partialSum[t];
        }
        let mean = total / f32(cols);

        var sq = 0.0;
        if (live) {
          for (var c = tid; c < n; c += WG) {
            let dz = zAt(base + c) - mean;
            sq += hsum(dz * dz);
          }
        }
        partialSq[tid] = sq;
        workgroupBarrier();
        var totalSq = 0.0;
        for (var t = 0; t < WG; t++) {
          totalSq += partialSq[t];
        }
        let rstd = inverseSqrt(totalSq / f32(cols) + uniforms.epsilon);

        if (live) {
          for (var c = tid; c < n; c += WG) {
            result[base + c] = (zAt(base + c) - mean) * rstd * Gamma[c] + Beta[c];
          }
        }
      }
    `;
  }
}

function layerNormWebGPU(kernel: string, withResidual: boolean) {
  return ({ inputs, backend, attrs }: { inputs: Record<string, TensorInfo>; backend: object; attrs?: NamedAttrMap }): TensorInfo => {
    const { x, residual, gamma, beta } = inputs;
    const { rows, cols } = layerNormDims(kernel, x, gamma, beta, withResidual ? residual : undefined);
    const epsilon = Number(attrs?.epsilon ?? 1e-12);
    const program = new LayerNormProgram(x.shape, rows, cols, withResidual);
    const tensors = withResidual ? [x, residual, gamma, beta] : [x, gamma, beta];
    return (backend as WebGPUBackendLike).runWebGPUProgram(program, tensors, 'float32', [
      { type: 'float32', data: [epsilon] },
      { type: 'int32', data: [rows] },
      { type: 'int32', data: [cols] },
    ]);
  };
}

export const layerNormWebGPUConfig: KernelConfig = {
  kernelName: FUSED_LAYER_NORM,
  backendName: 'webgpu',
  kernelFunc: layerNormWebGPU(FUSED_LAYER_NORM, false) as unknown as KernelConfig['kernelFunc'],
};

export const addLayerNormWebGPUConfig: KernelConfig = {
  kernelName: FUSED_ADD_LAYER_NORM,
  backendName: 'webgpu',
  kernelFunc: layerNormWebGPU(FUSED_ADD_LAYER_NORM, true) as unknown as KernelConfig['kernelFunc'],
};
