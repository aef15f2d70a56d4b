/**
 * WbLayerNorm and WbAddLayerNorm on WebGL2, in two programs on packed textures (the layout the
 * matmuls around a transformer's LayerNorm read and write, so no pack/unpack pass is needed):
 *
 *   1. stats: each fragment takes two rows of z = x (+ residual) and writes their mean and
 *      rsqrt(var + eps) (two passes over the row, like tf.moments) as one texel;
 *   2. normalize: each fragment writes a 2×2 block of (z − mean)·rstd·gamma + beta.
 *
 * The residual sum is never stored; the composition runs ~10 programs and stores z, z − mean, ...
 * x is viewed as [rows / seq, seq, cols] (a reshape that is free for packed textures).
 */
import type { KernelConfig, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { FUSED_ADD_LAYER_NORM, FUSED_LAYER_NORM } from '@wb/core';
import { layerNormDims, reshapeInfo, type GPGPUProgram, type WebGLBackendLike } from '../common.js';

/** x viewed as 3-D [lead, rows, cols] without moving data in the packed layout. */
export function as3D(shape: readonly number[]): [number, number, number] {
  if (shape.length === 1) return [1, 1, shape[0]];
  const cols = shape[shape.length - 1];
  const rows = shape[shape.length - 2];
  const lead = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return [lead, rows, cols];
}

function zSnippet(withResidual: boolean): string {
  return withResidual
    ? 'vec4 zAt(int b, int r, int c) { return getX(b, r, c) + getResidual(b, r, c); }'
    : 'vec4 zAt(int b, int r, int c) { return getX(b, r, c); }';
}

class LayerNormStatsProgram implements GPGPUProgram {
  variableNames: string[];
  outputShape: number[];
  packedInputs = true;
  packedOutput = true;
  customUniforms = [{ name: 'epsilon', type: 'float' as const }];
  userCode: string;

  constructor([lead, rows, cols]: [number, number, number], withResidual: boolean) {
    this.variableNames = withResidual ? ['X', 'Residual'] : ['X'];
    this.outputShape = [lead, rows, 2];
    const tail = cols % 2 === 1 ? `if (c + 1 >= ${cols}) { z.yw = vec2(0.0); }` : '';
    this.userCode = `
      ${zSnippet(withResidual)}

      void main() {
        ivec3 rc = getOutputCoords();
        int b = rc.x;
        int r = rc.y;
        vec2 sum = vec2(0.0);
        for (int c = 0; c < ${cols}; c += 2) {
          vec4 z = zAt(b, r, c);
          ${tail}
          sum += vec2(z.x + z.y, z.z + z.w);
        }
        vec2 mean = sum / ${cols}.0;
        vec2 sq = vec2(0.0);
        for (int c = 0; c < ${cols}; c += 2) {
          vec4 z = zAt(b, r, c) - mean.xxyy;
          ${tail}
          z = z * z;
          sq += vec2(z.x + z.y, z.z + z.w);
        }
        vec2 rstd = inversesqrt(sq / ${cols}.0 + epsilon);
        bool secondRow = r + 1 < ${rows};
        setOutput(vec4(mean.x, rstd.x, secondRow ? mean.y : 0.0, secondRow ? rstd.y : 0.0));
      }
    `;
  }
}

class LayerNormApplyProgram implements GPGPUProgram {
  variableNames: string[];
  outputShape: number[];
  packedInputs = true;
  packedOutput = true;
  userCode: string;

  constructor([lead, rows, cols]: [number, number, number], withResidual: boolean) {
    this.variableNames = withResidual ? ['X', 'Residual', 'Stats', 'Gamma', 'Beta'] : ['X', 'Stats', 'Gamma', 'Beta'];
    this.outputShape = [lead, rows, cols];
    this.userCode = `
      ${zSnippet(withResidual)}

      void main() {
        ivec3 rc = getOutputCoords();
        int b = rc.x;
        int r = rc.y;
        int c = rc.z;
        vec4 stats = getStats(b, r, 0);
        vec2 g = getGamma(c).xy;
        vec2 beta = getBeta(c).xy;
        vec4 y = (zAt(b, r, c) - stats.xxzz) * stats.yyww * g.xyxy + beta.xyxy;
        if (c + 1 >= ${cols}) { y.yw = vec2(0.0); }
        if (r + 1 >= ${rows}) { y.zw = vec2(0.0); }
        setOutput(y);
      }
    `;
  }
}

function layerNormWebGL(kernel: string, withResidual: boolean) {
  return ({ inputs, backend, attrs }: { inputs: Record<string, TensorInfo>; backend: object; attrs?: NamedAttrMap }): TensorInfo => {
    const { x, residual, gamma, beta } = inputs;
    layerNormDims(kernel, x, gamma, beta, withResidual ? residual : undefined);
    const epsilon = Number(attrs?.epsilon ?? 1e-12);
    const gl = backend as WebGLBackendLike;
    const shape3 = as3D(x.shape);
    const x3 = reshapeInfo('webgl', backend, x, shape3);
    const r3 = withResidual ? reshapeInfo('webgl', backend, residual, shape3) : undefined;
    const zs = r3 ? [x3, r3] : [x3];
    const stats = gl.runWebGLProgram(new LayerNormStatsProgram(shape3, withResidual), zs, 'float32', [[epsilon]]);
    const y3 = gl.runWebGLProgram(new LayerNormApplyProgram(shape3, withResidual), [...zs, stats, gamma, beta], 'float32');
    const y = reshapeInfo('webgl', backend, y3, x.shape);
    for (const t of [x3, r3, stats, y3]) if (t) gl.disposeIntermediateTensorInfo(t);
    return y;
  };
}

export const layerNormWebGLConfig: KernelConfig = {
  kernelName: FUSED_LAYER_NORM,
  backendName: 'webgl',
  kernelFunc: layerNormWebGL(FUSED_LAYER_NORM, false) as unknown as KernelConfig['kernelFunc'],
};

export const addLayerNormWebGLConfig: KernelConfig = {
  kernelName: FUSED_ADD_LAYER_NORM,
  backendName: 'webgl',
  kernelFunc: layerNormWebGL(FUSED_ADD_LAYER_NORM, true) as unknown as KernelConfig['kernelFunc'],
};
