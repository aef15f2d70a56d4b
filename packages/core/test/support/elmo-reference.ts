/**
 * A plain-loop float64 ELMo, written from bilm-tf's graph (not from our tfjs code), one sentence at a
 * time: char embedding (row 0 = masking), 'valid' convolutions, max over time then activation,
 * highways `carry * relu(xWt + bt) + (1 - carry) * x`, projection, TF LSTMCell with projection
 * (gates i, j, f, o; forget bias 1.0; cell clip before o*tanh(c); projection clip after the
 * projection), no skip connection into the first layer, the backward direction over the reversed
 * sentence. Weights are in the hdf5 (TF) layout.
 */
export interface RefTensor {
  shape: number[];
  data: Float32Array | Float64Array | number[];
}

export interface RefOptions {
  lstm: { dim: number; projection_dim: number; n_layers: number; cell_clip?: number | null; proj_clip?: number | null; use_skip_connections: boolean };
  char_cnn: { embedding: { dim: number }; filters: Array<[number, number]>; n_highway: number; max_characters_per_token: number; activation: string };
}

export interface RefResult {
  /** Per layer (n_layers + 1), per position of [<S>, words..., </S>], the 2P vector. */
  withBoundaries: number[][][];
  /** Same without <S>/</S>. */
  layers: number[][][];
  /** How often a clip changed a value (to show a test exercises clipping). */
  clipped: { cell: number; proj: number };
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

function at(t: RefTensor, ...index: number[]): number {
  let flat = 0;
  for (let i = 0; i < index.length; i++) flat = flat * t.shape[i] + index[i];
  return t.data[flat] as number;
}

/** x [n] times W [n, m] (row-major) + b [m]. */
function affine(x: number[], w: RefTensor, b?: RefTensor): number[] {
  const [n, m] = w.shape;
  const out = new Array<number>(m).fill(0);
  for (let j = 0; j < m; j++) {
    let s = b ? (b.data[j] as number) : 0;
    for (let i = 0; i < n; i++) s += x[i] * (w.data[i * m + j] as number);
    out[j] = s;
  }
  return out;
}

export function referenceTokenVector(w: Record<string, RefTensor>, options: RefOptions, charIds: number[]): number[] {
  const cnn = options.char_cnn;
  const E = cnn.embedding.dim;
  const emb = charIds.map((c) => (c === 0 ? new Array<number>(E).fill(0) : Array.from({ length: E }, (_, e) => at(w.char_embed, c - 1, e))));
  const act = cnn.activation === 'tanh' ? Math.tanh : (v: number) => Math.max(0, v);
  let x: number[] = [];
  cnn.filters.forEach(([width, count], f) => {
    const W = w[`CNN/W_cnn_${f}`];
    const b = w[`CNN/b_cnn_${f}`];
    for (let o = 0; o < count; o++) {
      let best = -Infinity;
      for (let t = 0; t + width <= charIds.length; t++) {
        let s = b.data[o] as number;
        for (let k = 0; k < width; k++) for (let e = 0; e < E; e++) s += emb[t + k][e] * at(W, 0, k, e, o);
        best = Math.max(best, s);
      }
      x.push(act(best));
    }
  });
  for (let k = 0; k < cnn.n_highway; k++) {
    const carry = affine(x, w[`CNN_high_${k}/W_carry`], w[`CNN_high_${k}/b_carry`]).map(sigmoid);
    const transform = affine(x, w[`CNN_high_${k}/W_transform`], w[`CNN_high_${k}/b_transform`]).map((v) => Math.max(0, v));
    x = x.map((v, i) => carry[i] * transform[i] + (1 - carry[i]) * v);
  }
  if (w['CNN_proj/W_proj']) x = affine(x, w['CNN_proj/W_proj'], w['CNN_proj/b_proj']);
  return x;
}

function runLstm(
  w: Record<string, RefTensor>,
  options: RefOptions,
  direction: number,
  layer: number,
  inputs: number[][],
  clipped: { cell: number; proj: number },
): number[][] {
  const prefix = `RNN_${direction}/RNN/MultiRNNCell/Cell${layer}/LSTMCell`;
  const W = w[`${prefix}/W_0`];
  const B = w[`${prefix}/B`];
  const WP = w[`${prefix}/W_P_0`];
  const C = options.lstm.dim;
  const P = WP ? WP.shape[1] : C;
  const { cell_clip: cellClip, proj_clip: projClip } = options.lstm;
  let h = new Array<number>(P).fill(0);
  let c = new Array<number>(C).fill(0);
  return inputs.map((x) => {
    const z = affine([...x, ...h], W, B);
    const nextC = new Array<number>(C);
    const m = new Array<number>(C);
    for (let k = 0; k < C; k++) {
      const i = z[k];
      const j = z[C + k];
      const f = z[2 * C + k];
      const o = z[3 * C + k];
      let cell = sigmoid(f + 1.0) * c[k] + sigmoid(i) * Math.tanh(j);
      if (cellClip && Math.abs(cell) > cellClip) {
        cell = Math.sign(cell) * cellClip;
        clipped.cell++;
      }
      nextC[k] = cell;
      m[k] = sigmoid(o) * Math.tanh(cell);
    }
    let out = m;
    if (WP) {
      out = affine(m, WP);
      if (projClip) {
        out = out.map((v) => {
          if (Math.abs(v) > projClip) {
            clipped.proj++;
            return Math.sign(v) * projClip;
          }
          return v;
        });
      }
    }
    c = nextC;
    h = out;
    return out;
  });
}

/** `charIds`: the sentence's words as 50 AllenNLP ids each, WITH <S> first and </S> last. */
export function referenceElmo(w: Record<string, RefTensor>, options: RefOptions, charIds: number[][]): RefResult {
  const clipped = { cell: 0, proj: 0 };
  const tokens = charIds.map((ids) => referenceTokenVector(w, options, ids));
  const withBoundaries: number[][][] = [tokens.map((v) => [...v, ...v])];
  let forwardIn = tokens;
  let backwardIn = [...tokens].reverse();
  for (let l = 0; l < options.lstm.n_layers; l++) {
    let fw = runLstm(w, options, 0, l, forwardIn, clipped);
    let bw = runLstm(w, options, 1, l, backwardIn, clipped);
    if (options.lstm.use_skip_connections && l > 0) {
      fw = fw.map((v, t) => v.map((x, k) => x + forwardIn[t][k]));
      bw = bw.map((v, t) => v.map((x, k) => x + backwardIn[t][k]));
    }
    const bwInOrder = [...bw].reverse();
    withBoundaries.push(fw.map((v, t) => [...v, ...bwInOrder[t]]));
    forwardIn = fw;
    backwardIn = bw;
  }
  return { withBoundaries, layers: withBoundaries.map((layer) => layer.slice(1, -1)), clipped };
}

/** Seeded values in [-scale, scale). */
export function seededValues(seed: number, size: number, scale: number): Float32Array {
  let a = seed >>> 0;
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1) * scale;
  }
  return out;
}
