/**
 * Tiny ELMo checkpoints made by the tests: seeded weights in AllenNLP's hdf5 layout, written with
 * h5wasm directly (not through our saveElmo), so loading is tested against a file we control.
 */
import h5wasm from 'h5wasm/node';
import { seededValues, type RefOptions, type RefTensor } from './elmo-reference.js';

/** relu, 2 layers with skip, both projections, clips small enough to bite. */
export const TINY_OPTIONS: RefOptions & { char_cnn: { n_characters: number } } = {
  lstm: { dim: 10, projection_dim: 6, n_layers: 2, cell_clip: 1.0, proj_clip: 0.5, use_skip_connections: true },
  char_cnn: {
    embedding: { dim: 3 },
    filters: [
      [1, 4],
      [2, 3],
      [3, 5],
    ],
    n_highway: 2,
    n_characters: 262,
    max_characters_per_token: 50,
    activation: 'relu',
  },
};

/** tanh, 3 layers, no CNN projection (filters sum to projection_dim) and no LSTM projection (P = C). */
export const TINY_TANH_OPTIONS: RefOptions = {
  lstm: { dim: 7, projection_dim: 7, n_layers: 3, cell_clip: 0.8, proj_clip: null, use_skip_connections: true },
  char_cnn: {
    embedding: { dim: 2 },
    filters: [
      [1, 3],
      [4, 4],
    ],
    n_highway: 1,
    max_characters_per_token: 50,
    activation: 'tanh',
  },
};

/** The datasets (hdf5 names) and shapes the options call for, listed by hand. */
export function tinyShapes(o: RefOptions): Record<string, number[]> {
  const E = o.char_cnn.embedding.dim;
  const F = o.char_cnn.filters.reduce((s, [, n]) => s + n, 0);
  const P = o.lstm.projection_dim;
  const C = o.lstm.dim;
  const shapes: Record<string, number[]> = { char_embed: [261, E] };
  o.char_cnn.filters.forEach(([w, n], i) => {
    shapes[`CNN/W_cnn_${i}`] = [1, w, E, n];
    shapes[`CNN/b_cnn_${i}`] = [n];
  });
  for (let k = 0; k < o.char_cnn.n_highway; k++) {
    shapes[`CNN_high_${k}/W_carry`] = [F, F];
    shapes[`CNN_high_${k}/b_carry`] = [F];
    shapes[`CNN_high_${k}/W_transform`] = [F, F];
    shapes[`CNN_high_${k}/b_transform`] = [F];
  }
  if (F !== P) {
    shapes['CNN_proj/W_proj'] = [F, P];
    shapes['CNN_proj/b_proj'] = [P];
  }
  for (const d of [0, 1]) {
    for (let l = 0; l < o.lstm.n_layers; l++) {
      const cell = `RNN_${d}/RNN/MultiRNNCell/Cell${l}/LSTMCell`;
      shapes[`${cell}/W_0`] = [P + (P < C ? P : C), 4 * C];
      shapes[`${cell}/B`] = [4 * C];
      if (P < C) shapes[`${cell}/W_P_0`] = [C, P];
    }
  }
  return shapes;
}

/** Seeded weights with scales that keep every nonlinearity in an interesting range. */
export function tinyWeights(o: RefOptions, seed = 1): Record<string, RefTensor> {
  const out: Record<string, RefTensor> = {};
  let s = seed;
  for (const [name, shape] of Object.entries(tinyShapes(o))) {
    const size = shape.reduce((a, b) => a * b, 1);
    const scale = name === 'char_embed' ? 1 : name.includes('RNN') ? 0.9 : name.startsWith('CNN/') ? 0.5 : 0.4;
    out[name] = { shape, data: seededValues(s++ * 7919, size, scale) };
  }
  return out;
}

let ready: Promise<unknown> | undefined;

/** Writes `weights` (names with '/') as nested groups + float32 datasets, like bilm-tf's dump_weights. */
export async function writeTinyHdf5(path: string, weights: Record<string, RefTensor>, skip: string[] = []): Promise<void> {
  ready ??= h5wasm.ready;
  await ready;
  const file = new h5wasm.File(path, 'w');
  const groups = new Map<string, InstanceType<typeof h5wasm.Group>>();
  const group = (parts: string[]): InstanceType<typeof h5wasm.Group> => {
    if (parts.length === 0) return file;
    const key = parts.join('/');
    let g = groups.get(key);
    if (!g) {
      g = group(parts.slice(0, -1)).create_group(parts[parts.length - 1]);
      groups.set(key, g);
    }
    return g;
  };
  for (const [name, t] of Object.entries(weights)) {
    if (skip.includes(name)) continue;
    const parts = name.split('/');
    group(parts.slice(0, -1)).create_dataset({
      name: parts[parts.length - 1],
      data: Float32Array.from(t.data as ArrayLike<number>),
      shape: t.shape,
      dtype: '<f',
    });
  }
  file.close();
}
