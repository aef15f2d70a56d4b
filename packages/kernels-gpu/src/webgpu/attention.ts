/**
 * WbFusedAttention on WebGPU: softmax(Q·Kᵀ·scale + mask)·V in one compute pass, FlashAttention
 * style. A workgroup owns TQ query rows of one (batch, head); each invocation owns one row and keeps
 * its q, its running max m, running sum l and output accumulator in registers. Keys and values
 * stream through workgroup memory in tiles of TK; per tile the row's scores are computed, m is
 * raised to the tile max, l and the accumulator are rescaled by exp(m_old − m_new) and the tile's
 * exp(s − m)·V added (the online softmax). The score matrix never exists in memory.
 *
 * Asked for the probabilities too, a second program writes them: one workgroup per query row
 * combines per-invocation (m, l) pairs over the keys, then writes exp(s − m) / l.
 *
 * Masked keys get s·scale + (1 − mask)·(−1e9), exactly the composed op's score, so even a row whose
 * keys are all padding gives the composed op's (uniform) answer.
 */
import type { KernelConfig, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { FUSED_ATTENTION } from '@wb/core';
import { attentionDims, MASKED, type WebGPUBackendLike, type WebGPUProgram } from '../common.js';

/** Query rows per workgroup (one invocation each). */
const TQ = 64;
/** Threads that reduce one row of probabilities. */
const PROBS_WG = 64;
/** Workgroup floats for the K and V tiles together; 12 KiB leaves room under WebGPU's 16 KiB minimum. */
const TILE_FLOATS = 3072;

/** Workgroups are numbered linearly, whatever shape the backend reshaped the dispatch into. */
const GROUP_INDEX = 'i32(workgroupId.x + workgroupId.y * numWorkgroups.x + workgroupId.z * numWorkgroups.x * numWorkgroups.y)';

function vectorWidth(headDim: number): 1 | 4 {
  return headDim % 4 === 0 ? 4 : 1;
}

function keyTile(headDim: number): number {
  return Math.max(1, Math.min(32, Math.floor(TILE_FLOATS / 2 / headDim)));
}

class FlashAttentionProgram implements WebGPUProgram {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout = { x: [0, 1, 2, 3] };
  dispatch: [number, number, number];
  variableNames = ['Q', 'K', 'V', 'Keep'];
  variableComponents: number[];
  outputComponent: number;
  uniforms = 'scale : f32,';
  workgroupSize: [number, number, number] = [TQ, 1, 1];
  private readonly c: number;
  private readonly dc: number;
  private readonly tk: number;

  constructor({ batch, heads, seqQ, headDim }: { batch: number; heads: number; seqQ: number; headDim: number }) {
    this.outputShape = [batch, heads, seqQ, headDim];
    this.c = vectorWidth(headDim);
    this.dc = headDim / this.c;
    this.tk = keyTile(headDim);
    this.variableComponents = [this.c, this.c, this.c, 1];
    this.outputComponent = this.c;
    this.dispatch = [Math.ceil(seqQ / TQ) * batch * heads, 1, 1];
    this.shaderKey = `wbFlashAttention_${headDim}_${this.tk}`;
  }

  getUserCode(): string {
    const { dc, tk } = this;
    const T = this.c === 4 ? 'vec4<f32>' : 'f32';
    const dotExpr = this.c === 4 ? 'dot(qRow[c], kTile[j * DC + c])' : 'qRow[c] * kTile[j * DC + c]';
    return `
      const DC : i32 = ${dc};
      const TK : i32 = ${tk};
      const TQ : i32 = ${TQ};
      var<workgroup> kTile : array<${T}, ${tk * dc}>;
      var<workgroup> vTile : array<${T}, ${tk * dc}>;
      var<workgroup> biasTile : array<f32, ${tk}>;

      fn main(index : i32) {
        let tid = i32(localId.x);
        let group = ${GROUP_INDEX};
        let heads = uniforms.qShape.y;
        let seqQ = uniforms.qShape.z;
        let seqK = uniforms.kShape.z;
        let qBlocks = (seqQ + TQ - 1) / TQ;
        let bh = group / qBlocks;
        let row = (group - bh * qBlocks) * TQ + tid;
        let batch = bh / heads;
        let liveGroup = bh < uniforms.qShape.x * heads;
        let liveRow = liveGroup && row < seqQ;
        let kvBase = bh * seqK * DC;
        let qBase = (bh * seqQ + row) * DC;

        var qRow : array<${T}, ${dc}>;
        var acc : array<${T}, ${dc}>;
        var s : array<f32, ${tk}>;
        if (liveRow) {
          for (var c = 0; c < DC; c++) {
            qRow[c] = Q[qBase + c];
            acc[c] = ${T}(0.0);
          }
        }
        var m = -3.402823e38;
        var l = 0.0;

        for (var kb = 0; kb < seqK; kb += TK) {
          let tileLen = min(TK, seqK - kb);
          for (var t = tid; t < TK * DC; t += TQ) {
            if (liveGroup && t < tileLen * DC) {
              kTile[t] = K[kvBase + kb * DC + t];
              vTile[t] = V[kvBase + kb * DC + t];
            } else {
              kTile[t] = ${T}(0.0);
              vTile[t] = ${T}(0.0);
            }
          }
          for (var t = tid; t < TK; t += TQ) {
            var bias = 0.0;
            if (liveGroup && t < tileLen) {
              bias = (1.0 - getKeep(batch, kb + t)) * ${MASKED};
            }
            biasTile[t] = bias;
          }
          workgroupBarrier();

          if (liveRow) {
            var tileMax = m;
            for (var j = 0; j < tileLen; j++) {
              var d = 0.0;
              for (var c = 0; c < DC; c++) {
                d += ${dotExpr};
              }
              let score = d * uniforms.scale + biasTile[j];
              s[j] = score;
              tileMax = max(tileMax, score);
            }
            let correction = exp(m - tileMax);
            l = l * correction;
            for (var c = 0; c < DC; c++) {
              acc[c] = acc[c] * correction;
            }
            for (var j = 0; j < tileLen; j++) {
              let p = exp(s[j] - tileMax);
              l = l + p;
              for (var c = 0; c < DC; c++) {
                acc[c] = acc[c] + p * vTile[j * DC + c];
              }
            }
            m = tileMax;
          }
          workgroupBarrier();
        }

        if (liveRow) {
          let inv = 1.0 / l;
          for (var c = 0; c < DC; c++) {
            result[qBase + c] = acc[c] * inv;
          }
        }
      }
    `;
  }
}

class AttentionProbsProgram implements WebGPUProgram {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout = { x: [0, 1, 2, 3] };
  dispatch: [number, number, number];
  variableNames = ['Q', 'K', 'Keep'];
  variableComponents: number[];
  outputComponent = 1;
  uniforms = 'scale : f32,';
  workgroupSize: [number, number, number] = [PROBS_WG, 1, 1];
  private readonly c: number;
  private readonly dc: number;

  constructor({ batch, heads, seqQ, seqK, headDim }: { batch: number; heads: number; seqQ: number; seqK: number; headDim: number }) {
    this.outputShape = [batch, heads, seqQ, seqK];
    this.c = vectorWidth(headDim);
    this.dc = headDim / this.c;
    this.variableComponents = [this.c, this.c, 1];
    this.dispatch = [batch * heads * seqQ, 1, 1];
    this.shaderKey = `wbAttentionProbs_${headDim}`;
  }

  getUserCode(): string {
    const { dc } = this;
    const T = this.c === 4 ? 'vec4<f32>' : 'f32';
    const dotExpr = this.c === 4 ? 'dot(qShared[c], K[kBase + c])' : 'qShared[c] * K[kBase + c]';
    return `
      const DC : i32 = ${dc};
      const WG : i32 = ${PROBS_WG};
      var<workgroup> qShared : array<${T}, ${dc}>;
      var<workgroup> redM : array<f32, ${PROBS_WG}>;
      var<workgroup> redL : array<f32, ${PROBS_WG}>;

      fn score(bh : i32, batch : i32, j : i32) -> f32 {
        let kBase = (bh * uniforms.kShape.z + j) * DC;
        var d = 0.0;
        for (var c = 0; c < DC; c++) {
          d += ${dotExpr};
        }
        return d * uniforms.scale + (1.0 - getKeep(batch, j)) * ${MASKED};
      }

      fn main(index : i32) {
        let tid = i32(localId.x);
        let row = ${GROUP_INDEX};
        let seqQ = uniforms.qShape.z;
        let seqK = uniforms.kShape.z;
        let live = row < uniforms.qShape.x * uniforms.qShape.y * seqQ;
        let bh = row / seqQ;
        let batch = bh / uniforms.qShape.y;

        for (var c = tid; c < DC; c += WG) {
          if (live) {
            qShared[c] = Q[row * DC + c];
          }
        }
        workgroupBarrier();

        var m = -3.402823e38;
        var l = 0.0;
        if (live) {
          for (var j = tid; j < seqK; j += WG) {
            let sc = score(bh, batch, j);
            let mNew = max(m, sc);
            l = l * exp(m - mNew) + exp(sc - mNew);
            m = mNew;
          }
        }
        redM[tid] = m;
        redL[tid] = l;
        workgroupBarrier();
        for (var stride = WG / 2; stride > 0; stride = stride / 2) {
          if (tid < stride) {
            let m1 = redM[tid];
            let m2 = redM[tid + stride];
            let mNew = max(m1, m2);
            redL[tid] = redL[tid] * exp(m1 - mNew) + redL[tid + stride] * exp(m2 - mNew);
            redM[tid] = mNew;
          }
          workgroupBarrier();
        }
        let rowMax = redM[0];
        let rowSum = redL[0];
        if (live) {
          for (var j = tid; j < seqK; j += WG) {
            result[row * seqK + j] = exp(score(bh, batch, j) - rowMax) / rowSum;
          }
        }
      }
    `;
  }
}

function fusedAttentionWebGPU({
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
  const gpu = backend as WebGPUBackendLike;
  const uniforms = [{ type: 'float32' as const, data: [scale] }];
  const context = gpu.runWebGPUProgram(new FlashAttentionProgram(dims), [q, k, v, mask], 'float32', uniforms);
  if (!attrs?.returnProbs) return context;
  const probs = gpu.runWebGPUProgram(new AttentionProbsProgram(dims), [q, k, mask], 'float32', uniforms);
  return [context, probs];
}

export const fusedAttentionWebGPUConfig: KernelConfig = {
  kernelName: FUSED_ATTENTION,
  backendName: 'webgpu',
  kernelFunc: fusedAttentionWebGPU as unknown as KernelConfig['kernelFunc'],
};
