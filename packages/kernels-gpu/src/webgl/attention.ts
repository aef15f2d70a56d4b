/**
 * WbFusedAttention on WebGL2. A fragment shader writes one texel and has no shared memory, so the
 * FlashAttention loop (one invocation streaming all keys with an online softmax) can only make
 * per-row values here: run for every output element, each would redo its row's scores headDim/2
 * times over, several times the work of the matmuls. So this kernel fuses around the two matmuls
 * instead, on packed (2×2 texel) textures, the layout of tfjs' WebGL matmul:
 *
 *   1. scores: Q·Kᵀ·scale + (1 − mask)·(−1e9), the scale and the padding mask applied in the
 *      matmul's own loop (2×2 scores a fragment);
 *   2. stats: each fragment streams two rows of scores with an online softmax and writes their
 *      running max m and sum l ([batch, heads, seqQ, 2]);
 *   3. probs: exp(s − m) / l, elementwise;
 *   4. context = probs · V with the backend's own packed BatchMatMul kernel.
 *
 * Four launches instead of the composition's ten (matmul, mul, add, max, sub, exp, sum, div,
 * matmul, and unpack/pack passes around the unpacked reductions); the score and probability
 * matrices are stored once each, and the probabilities come for free when asked for. The math is
 * the composition's, step for step, so even a row whose keys are all padding gives its answer.
 */
import type { KernelConfig, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { FUSED_ATTENTION } from '@wb/core';
import { attentionDims, callKernel, MASKED, type AttentionDims, type GPGPUProgram, type WebGLBackendLike } from '../common.js';

class AttentionScoresProgram implements GPGPUProgram {
  variableNames = ['Q', 'K', 'Keep'];
  outputShape: number[];
  packedInputs = true;
  packedOutput = true;
  customUniforms = [{ name: 'scale', type: 'float' as const }];
  userCode: string;

  constructor({ batch, heads, seqQ, seqK, headDim }: AttentionDims) {
    this.outputShape = [batch, heads, seqQ, seqK];
    // An odd headDim leaves the last texel column half padding: keep it out of the dot products.
    const oddTail = headDim % 2 === 1 ? `if (d + 1 >= ${headDim}) { q.yw = vec2(0.0); k.yw = vec2(0.0); }` : '';
    this.userCode = `
      void main() {
        ivec4 rc = getOutputCoords();
        int b = rc.x;
        int h = rc.y;
        int i0 = rc.z;
        int j0 = rc.w;
        // (s[i0][j0], s[i0][j0+1], s[i0+1][j0], s[i0+1][j0+1])
        vec4 s = vec4(0.0);
        for (int d = 0; d < ${headDim}; d += 2) {
          vec4 q = getQ(b, h, i0, d);
          vec4 k = getK(b, h, j0, d);
          ${oddTail}
          s += vec4(dot(q.xy, k.xy), dot(q.xy, k.zw), dot(q.zw, k.xy), dot(q.zw, k.zw));
        }
        // The mask is [batch, seqK]: batch b's row sits in .xy of its texel when b is even, .zw when odd.
        vec4 keep = getKeep(b, j0);
        vec2 bias = (1.0 - (imod(b, 2) == 0 ? keep.xy : keep.zw)) * ${MASKED};
        s = s * scale + bias.xyxy;
        if (j0 + 1 >= ${seqK}) { s.yw = vec2(0.0); }
        if (i0 + 1 >= ${seqQ}) { s.zw = vec2(0.0); }
        setOutput(s);
      }
    `;
  }
}

class SoftmaxStatsProgram implements GPGPUProgram {
  variableNames = ['Scores'];
  outputShape: number[];
  packedInputs = true;
  packedOutput = true;
  userCode: string;

  constructor({ batch, heads, seqQ, seqK }: AttentionDims) {
    this.outputShape = [batch, heads, seqQ, 2];
    this.userCode = `
      void online(inout float m, inout float l, float a, float b, bool hasB) {
        float mNew = max(m, hasB ? max(a, b) : a);
        l = l * exp(m - mNew) + exp(a - mNew) + (hasB ? exp(b - mNew) : 0.0);
        m = mNew;
      }

      void main() {
        ivec4 rc = getOutputCoords();
        int b = rc.x;
        int h = rc.y;
        int i0 = rc.z;
        float m0 = -3.4e38;
        float l0 = 0.0;
        float m1 = -3.4e38;
        float l1 = 0.0;
        for (int j = 0; j < ${seqK}; j += 2) {
          bool hasSecond = j + 1 < ${seqK};
          vec4 s = getScores(b, h, i0, j);
          online(m0, l0, s.x, s.y, hasSecond);
          online(m1, l1, s.z, s.w, hasSecond);
        }
        bool secondRow = i0 + 1 < ${seqQ};
        setOutput(vec4(m0, l0, secondRow ? m1 : 0.0, secondRow ? l1 : 0.0));
      }
    `;
  }
}

class SoftmaxApplyProgram implements GPGPUProgram {
  variableNames = ['Scores', 'Stats'];
  outputShape: number[];
  packedInputs = true;
  packedOutput = true;
  userCode: string;

  constructor({ batch, heads, seqQ, seqK }: AttentionDims) {
    this.outputShape = [batch, heads, seqQ, seqK];
    this.userCode = `
      void main() {
        ivec4 rc = getOutputCoords();
        vec4 stats = getStats(rc.x, rc.y, rc.z, 0);
        vec4 p = exp(getScores(rc.x, rc.y, rc.z, rc.w) - stats.xxzz) / stats.yyww;
        if (rc.w + 1 >= ${seqK}) { p.yw = vec2(0.0); }
        if (rc.z + 1 >= ${seqQ}) { p.zw = vec2(0.0); }
        setOutput(p);
      }
    `;
  }
}

function fusedAttentionWebGL({
  inputs,
  backend,
  attrs,
}: {
  inputs: Record<string, TensorInfo>;
  backend: object;
  attrs?: NamedAttrMap;
}): TensorInfo | TensorInfo[] {
  const { q, k, v, mask } = inputs;
  const dims = attentionDims(q, k, v, mask);
  const scale = Number(attrs?.scale ?? 1 / Math.sqrt(dims.headDim));
  const gl = backend as WebGLBackendLike;
  const scores = gl.runWebGLProgram(new AttentionScoresProgram(dims), [q, k, mask], 'float32', [[scale]]);
  const stats = gl.runWebGLProgram(new SoftmaxStatsProgram(dims), [scores], 'float32');
  const probs = gl.runWebGLProgram(new SoftmaxApplyProgram(dims), [scores, stats], 'float32');
  gl.disposeIntermediateTensorInfo(scores);
  gl.disposeIntermediateTensorInfo(stats);
  const context = callKernel('BatchMatMul', 'webgl', backend, { a: probs, b: v }, { transposeA: false, transposeB: false });
  if (attrs?.returnProbs) return [context, probs];
  gl.disposeIntermediateTensorInfo(probs);
  return context;
}

export const fusedAttentionWebGLConfig: KernelConfig = {
  kernelName: FUSED_ATTENTION,
  backendName: 'webgl',
  kernelFunc: fusedAttentionWebGL as unknown as KernelConfig['kernelFunc'],
};
