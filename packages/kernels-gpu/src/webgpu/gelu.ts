/**
 * WbBiasGelu on WebGPU: gelu(x + bias) in one elementwise pass, four elements per invocation when
 * the last axis allows (vec4), instead of the composition's add, mul, erf/tanh, add, mul, mul. erf is
 * the Abramowitz–Stegun polynomial tfjs' own Erf kernel uses; tanh is written with exp(−2|u|) so
 * that large |u| cannot overflow (as tfjs' Tanh kernel does).
 */
import type { KernelConfig, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { FUSED_BIAS_GELU } from '@wb/core';
import { biasGeluDims, ERF, geluApproximation, SQRT1_2, SQRT_2_OVER_PI, type WebGPUBackendLike, type WebGPUProgram } from '../common.js';

const WG = 64;

function wgslGelu(approximate: 'erf' | 'tanh', T: string): string {
  if (approximate === 'erf') {
    return `
      fn geluOf(u : ${T}) -> ${T} {
        let a = u * ${SQRT1_2};
        let absA = abs(a);
        let t = 1.0 / (1.0 + ${ERF.p} * absA);
        let erfA = sign(a) * (1.0 - (((((${ERF.a5} * t + ${ERF.a4}) * t) + ${ERF.a3}) * t + ${ERF.a2}) * t + ${ERF.a1}) * t * exp(-absA * absA));
        return 0.5 * u * (1.0 + erfA);
      }
    `;
  }
  return `
      fn geluOf(u : ${T}) -> ${T} {
        let inner = ${SQRT_2_OVER_PI} * (u + 0.044715 * u * u * u);
        let e2x = exp(-2.0 * abs(inner));
        let th = sign(inner) * (1.0 - e2x) / (1.0 + e2x);
        return 0.5 * u * (1.0 + th);
      }
    `;
}

class BiasGeluProgram implements WebGPUProgram {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  variableNames = ['X', 'Bias'];
  variableComponents: number[];
  outputComponent: number;
  uniforms = 'cols : i32,';
  size = true;
  workgroupSize: [number, number, number] = [WG, 1, 1];
  private readonly approximate: 'erf' | 'tanh';
  private readonly c: number;

  constructor(shape: number[], size: number, cols: number, approximate: 'erf' | 'tanh') {
    this.outputShape = shape;
    this.approximate = approximate;
    this.c = cols % 4 === 0 ? 4 : 1;
    this.variableComponents = [this.c, this.c];
    this.outputComponent = this.c;
    this.dispatchLayout = { x: shape.map((_, i) => i) };
    this.dispatch = [Math.ceil(size / this.c / WG), 1, 1];
    this.shaderKey = `wbBiasGelu_${approximate}_${this.c}`;
  }

  getUserCode(): string {
    const T = this.c === 4 ? 'vec4<f32>' : 'f32';
    return `
      ${wgslGelu(this.approximate, T)}
      fn main(index : i32) {
        if (index < uniforms.size) {
          let colsC = uniforms.cols / ${this.c};
          result[index] = geluOf(X[index] + Bias[index % colsC]);
        }
      }
    `;
  }
}

function biasGeluWebGPU({
  inputs,
  backend,
  attrs,
}: {
  inputs: Record<string, TensorInfo>;
  backend: object;
  attrs?: NamedAttrMap;
}): TensorInfo {
  const { x, bias } = inputs;
  const { size, cols } = biasGeluDims(x, bias);
  const program = new BiasGeluProgram(x.shape, size, cols, geluApproximation(attrs));
  return (backend as WebGPUBackendLike).runWebGPUProgram(program, [x, bias], 'float32', [{ type: 'int32', data: [cols] }]);
}

export const biasGeluWebGPUConfig: KernelConfig = {
  kernelName: FUSED_BIAS_GELU,
  backendName: 'webgpu',
  kernelFunc: biasGeluWebGPU as unknown as KernelConfig['kernelFunc'],
};
