/**
 * WbBiasGelu on WebGL2: gelu(x + bias) in one packed elementwise program (four elements a
 * fragment), instead of the composition's add, mul, erf/tanh, add, mul, mul. erf is the
 * Abramowitz–Stegun polynomial of tfjs' own Erf kernel; tanh uses exp(−2|u|), as tfjs' Tanh does.
 */
import type { KernelConfig, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { FUSED_BIAS_GELU } from '@wb/core';
import { biasGeluDims, ERF, geluApproximation, reshapeInfo, SQRT1_2, SQRT_2_OVER_PI, type GPGPUProgram, type WebGLBackendLike } from '../common.js';
import { as3D } from './layer-norm.js';

function glslGelu(approximate: 'erf' | 'tanh'): string {
  if (approximate === 'erf') {
    return `
      vec4 geluOf(vec4 u) {
        vec4 a = u * ${SQRT1_2};
        vec4 absA = abs(a);
        vec4 t = 1.0 / (1.0 + ${ERF.p} * absA);
        vec4 erfA = sign(a) * (1.0 - (((((${ERF.a5} * t + ${ERF.a4}) * t) + ${ERF.a3}) * t + ${ERF.a2}) * t + ${ERF.a1}) * t * exp(-absA * absA));
        return 0.5 * u * (1.0 + erfA);
      }
    `;
  }
  return `
      vec4 geluOf(vec4 u) {
        vec4 inner = ${SQRT_2_OVER_PI} * (u + 0.044715 * u * u * u);
        vec4 e2x = exp(-2.0 * abs(inner));
        vec4 th = sign(inner) * (1.0 - e2x) / (1.0 + e2x);
        return 0.5 * u * (1.0 + th);
      }
    `;
}

class BiasGeluProgram implements GPGPUProgram {
  variableNames = ['X', 'Bias'];
  outputShape: number[];
  packedInputs = true;
  packedOutput = true;
  userCode: string;

  constructor([lead, rows, cols]: [number, number, number], approximate: 'erf' | 'tanh') {
    this.outputShape = [lead, rows, cols];
    this.userCode = `
      ${glslGelu(approximate)}

      void main() {
        ivec3 rc = getOutputCoords();
        vec2 bias = getBias(rc.z).xy;
        vec4 y = geluOf(getX(rc.x, rc.y, rc.z) + bias.xyxy);
        if (rc.z + 1 >= ${cols}) { y.yw = vec2(0.0); }
        if (rc.y + 1 >= ${rows}) { y.zw = vec2(0.0); }
        setOutput(y);
      }
    `;
  }
}

function biasGeluWebGL({
  inputs,
  backend,
  attrs,
}: {
  inputs: Record<string, TensorInfo>;
  backend: object;
  attrs?: NamedAttrMap;
}): TensorInfo {
  const { x, bias } = inputs;
  biasGeluDims(x, bias);
  const gl = backend as WebGLBackendLike;
  const shape3 = as3D(x.shape);
  const x3 = reshapeInfo('webgl', backend, x, shape3);
  const y3 = gl.runWebGLProgram(new BiasGeluProgram(shape3, geluApproximation(attrs)), [x3, bias], 'float32');
  const y = reshapeInfo('webgl', backend, y3, x.shape);
  gl.disposeIntermediateTensorInfo(x3);
  gl.disposeIntermediateTensorInfo(y3);
  return y;
}

export const biasGeluWebGLConfig: KernelConfig = {
  kernelName: FUSED_BIAS_GELU,
  backendName: 'webgl',
  kernelFunc: biasGeluWebGL as unknown as KernelConfig['kernelFunc'],
};
