/**
 * ELMo's options.json (AllenNLP's / bilm-tf's, kept as is): its fields, checked by type and range.
 */
import { booleanField, configObject, describeValue, finiteNumber, nonNegativeInt, oneOf, positiveInt, section } from '../../checkpoint/config-fields.js';

export interface ElmoOptions {
  lstm: {
    /** Memory cell size C. */
    dim: number;
    /** Output (and token-embedding) size P. */
    projection_dim: number;
    n_layers: number;
    cell_clip?: number | null;
    proj_clip?: number | null;
    use_skip_connections: boolean;
  };
  char_cnn: {
    embedding: { dim: number };
    /** [width, number of filters] per convolution. */
    filters: Array<[number, number]>;
    n_highway: number;
    n_characters?: number;
    max_characters_per_token: number;
    activation: 'relu' | 'tanh';
  };
  /** bilm-tf's training options (n_tokens_vocab, dropout, ...) are kept but not used here. */
  [key: string]: unknown;
}


/**
 * Upper bounds on what options.json may ask for: far above the largest published ELMo (dim 4096,
 * projection 512, 2 layers, 2048 filters of width ≤ 7, 2 highway layers), far below what would
 * exhaust memory before the weights are even read.
 */
const ELMO_OPTION_LIMITS = {
  dim: 1 << 16,
  projectionDim: 1 << 14,
  layers: 16,
  charEmbeddingDim: 4096,
  filterKinds: 64,
  filterCount: 1 << 14,
  totalFilters: 1 << 16,
  highway: 16,
  maxCharacters: 1024,
  characters: 1 << 16,
  clip: 1e6,
} as const;

/** Parses and checks options.json, every field by type and range; `source` names the file in errors. */
export function parseElmoOptions(json: unknown, source = 'options.json'): ElmoOptions {
  const limits = ELMO_OPTION_LIMITS;
  const o = configObject(json, source, 'options.json (with "lstm" and "char_cnn")');
  const lstm = section(o, 'lstm', source)!;
  const cnn = section(o, 'char_cnn', source)!;
  const at = { lstm: { path: 'lstm' }, cnn: { path: 'char_cnn' } };
  const clip = (key: string) =>
    lstm[key] === undefined || lstm[key] === null ? lstm[key] as null | undefined : finiteNumber(lstm, key, { ...at.lstm, min: 0, max: limits.clip }, source);
  const parsedLstm: ElmoOptions['lstm'] = {
    ...lstm,
    dim: positiveInt(lstm, 'dim', { ...at.lstm, max: limits.dim }, source),
    projection_dim: positiveInt(lstm, 'projection_dim', { ...at.lstm, max: limits.projectionDim }, source),
    n_layers: positiveInt(lstm, 'n_layers', { ...at.lstm, max: limits.layers, default: 1 }, source),
    cell_clip: clip('cell_clip'),
    proj_clip: clip('proj_clip'),
    use_skip_connections: booleanField(lstm, 'use_skip_connections', { ...at.lstm, default: false }, source),
  };
  const embedding = section(cnn, 'embedding', source, at.cnn)!;
  const embeddingDim = positiveInt(embedding, 'dim', { path: 'char_cnn.embedding', max: limits.charEmbeddingDim }, source);
  const maxChars = positiveInt(cnn, 'max_characters_per_token', { ...at.cnn, max: limits.maxCharacters, default: 50 }, source);
  const filters = cnn.filters;
  const isPair = (f: unknown) =>
    Array.isArray(f) && f.length === 2 && f.every((v) => Number.isSafeInteger(v) && v > 0) && f[0] <= maxChars && f[1] <= limits.filterCount;
  if (!Array.isArray(filters) || filters.length === 0 || filters.length > limits.filterKinds || !filters.every(isPair)) {
    throw new Error(
      `${source}: char_cnn.filters must be a list of [width, count] pairs (at most ${limits.filterKinds}, ` +
        `width 1..max_characters_per_token = ${maxChars}, count 1..${limits.filterCount}) (got ${describeValue(filters)})`,
    );
  }
  const total = (filters as Array<[number, number]>).reduce((sum, [, n]) => sum + n, 0);
  if (total > limits.totalFilters) throw new Error(`${source}: char_cnn.filters add up to ${total} filters, more than ${limits.totalFilters}`);
  return {
    ...(o as Partial<ElmoOptions>),
    lstm: parsedLstm,
    char_cnn: {
      ...cnn,
      embedding: { ...embedding, dim: embeddingDim },
      filters: (filters as Array<[number, number]>).map(([w, n]) => [w, n]),
      activation: oneOf(cnn, 'activation', ['relu', 'tanh'] as const, { ...at.cnn, default: 'relu' }, source),
      n_highway: nonNegativeInt(cnn, 'n_highway', { ...at.cnn, max: limits.highway, default: 0 }, source),
      ...(cnn.n_characters === undefined ? {} : { n_characters: positiveInt(cnn, 'n_characters', { ...at.cnn, max: limits.characters }, source) }),
      max_characters_per_token: maxChars,
    },
  };
}
