/**
 * The tfjs ELMo against a plain-loop float64 reference (test/support/elmo-reference.ts) on tiny
 * checkpoints written to hdf5 by the test, padding/masking, ScalarMix, ElmoModel.embed, and the
 * AllenNLP "small" shape.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core's gradients are not in its Node bundle; under vitest this ESM file loads (see the report).
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../src/backend.js';
import { loadElmo } from '../src/checkpoint/allennlp-elmo.js';
import { ElmoModel, elmoForward, initElmoWeights, parseElmoOptions, scalarMix, ScalarMix, type ElmoOptions } from '../src/models/elmo/index.js';
import { ELMoCharacterMapper } from '../src/tokenize/elmo-chars.js';
import { referenceElmo, type RefOptions } from './support/elmo-reference.js';
import { TINY_OPTIONS, TINY_TANH_OPTIONS, tinyWeights, writeTinyHdf5 } from './support/elmo-tiny.js';
import { maxAbsDiff } from './support/numeric.js';

const SENTENCES = [
  ['The', 'bank', 'by', 'the', 'river', '.'],
  ['Money', 'in', 'the', 'bank'],
  ['naïve', 'café', '😀', 'x'.repeat(60)],
  ['bat'],
];

let dir: string;
beforeAll(async () => {
  await initBackend();
  dir = mkdtempSync(join(tmpdir(), 'elmo-model-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function tinyModel(options: RefOptions, name: string, seed = 1): Promise<{ model: ElmoModel; weights: ReturnType<typeof tinyWeights> }> {
  const weights = tinyWeights(options, seed);
  const folder = join(dir, name);
  rmSync(folder, { recursive: true, force: true });
  (await import('node:fs')).mkdirSync(folder);
  writeFileSync(join(folder, 'options.json'), JSON.stringify(options));
  await writeTinyHdf5(join(folder, 'weights.hdf5'), weights);
  return { model: await loadElmo(folder), weights };
}

function reference(options: RefOptions, weights: ReturnType<typeof tinyWeights>, words: string[]) {
  const mapper = new ELMoCharacterMapper();
  return referenceElmo(weights, options, ['<S>', ...words, '</S>'].map((w) => mapper.convertWordToCharIds(w)));
}

for (const [label, options] of [
  ['relu, 2 layers, projections, clipping', TINY_OPTIONS],
  ['tanh, 3 layers, no projections', TINY_TANH_OPTIONS],
] as const) {
  describe(`tiny ELMo from hdf5 (${label})`, () => {
    let model: ElmoModel;
    let weights: ReturnType<typeof tinyWeights>;
    beforeAll(async () => {
      ({ model, weights } = await tinyModel(options, label.replace(/\W+/g, '-')));
    });
    afterAll(() => model.dispose());

    it('matches the plain-loop reference on every layer, in a padded batch', () => {
      const { layers, mask } = model.run(SENTENCES);
      expect(layers).toHaveLength(options.lstm.n_layers + 1);
      const got = layers.map((l) => l.arraySync() as number[][][]);
      expect(layers[0].shape).toEqual([SENTENCES.length, 6, 2 * options.lstm.projection_dim]);
      let worst = 0;
      let clippedCells = 0;
      SENTENCES.forEach((words, b) => {
        const ref = reference(options, weights, words);
        clippedCells += ref.clipped.cell;
        ref.layers.forEach((layer, l) => {
          worst = Math.max(worst, maxAbsDiff(got[l][b].slice(0, words.length), layer));
          // padded words are zero
          for (const row of got[l][b].slice(words.length)) expect(row.every((v) => v === 0)).toBe(true);
        });
      });
      expect(worst).toBeLessThan(2e-5);
      expect(clippedCells).toBeGreaterThan(0);
      expect(Array.from(mask.dataSync())).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0]);
      tf.dispose([...layers, mask]);
    });

    it('gives a padded sentence the same vectors as the sentence alone', () => {
      const batch = model.run(SENTENCES);
      SENTENCES.forEach((words, b) => {
        const alone = model.run([words]);
        alone.layers.forEach((layer, l) => {
          const inBatch = tf.slice(batch.layers[l], [b, 0, 0], [1, words.length, -1]);
          expect(maxAbsDiff(inBatch.arraySync(), layer.arraySync())).toBeLessThan(1e-5);
          inBatch.dispose();
        });
        tf.dispose([...alone.layers, alone.mask]);
      });
      tf.dispose([...batch.layers, batch.mask]);
    });
  });
}

describe('tiny ELMo details', () => {
  let model: ElmoModel;
  let weights: ReturnType<typeof tinyWeights>;
  beforeAll(async () => {
    ({ model, weights } = await tinyModel(TINY_OPTIONS, 'details', 3));
  });
  afterAll(() => model.dispose());

  it('exercises the projection clip too', () => {
    const ref = reference(TINY_OPTIONS, weights, SENTENCES[0]);
    expect(ref.clipped.proj).toBeGreaterThan(0);
  });

  it('derives the mask from the char ids when none is given', () => {
    const { charIds, mask } = model.charIds(SENTENCES);
    const a = elmoForward(model.weights, model.options, charIds);
    const b = elmoForward(model.weights, model.options, charIds, mask);
    expect(maxAbsDiff(a.layers[2].arraySync(), b.layers[2].arraySync())).toBe(0);
    expect(maxAbsDiff(a.mask.arraySync(), mask.arraySync())).toBe(0);
    tf.dispose([charIds, mask, ...a.layers, a.mask, ...b.layers, b.mask]);
  });

  it('cutting the char CNN to the longest word (wordChars) changes nothing', () => {
    const { charIds, mask, wordChars } = model.charIds(SENTENCES);
    expect(wordChars).toBe(50); // the 60-letter word is cut to 48 bytes
    const short = model.charIds([['a', 'bc'], ['def']]);
    expect(short.wordChars).toBe(5);
    const full = elmoForward(model.weights, model.options, short.charIds, short.mask);
    const cut = elmoForward(model.weights, model.options, short.charIds, short.mask, { wordChars: short.wordChars });
    full.layers.forEach((l, i) => expect(maxAbsDiff(l.arraySync(), cut.layers[i].arraySync())).toBeLessThan(1e-6));
    tf.dispose([charIds, mask, short.charIds, short.mask, ...full.layers, full.mask, ...cut.layers, cut.mask]);
  });

  it('does not leak tensors', () => {
    const before = tf.memory().numTensors;
    const out = model.run(SENTENCES);
    tf.dispose([...out.layers, out.mask]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('ScalarMix: gamma * softmax(s) · layers, trainable, any number of mixes', async () => {
    const mixes = [model.addScalarMix({ initialScalarParameters: [0.5, -1, 2] }), model.addScalarMix()];
    const { layers, mask } = model.run(SENTENCES);
    const { representations } = model.representations(SENTENCES);
    expect(representations).toHaveLength(2);
    const s = [0.5, -1, 2];
    const z = s.reduce((a, v) => a + Math.exp(v), 0);
    const manual = tf.tidy(() => tf.addN(layers.map((l, k) => tf.mul(l, Math.exp(s[k]) / z))));
    expect(maxAbsDiff(representations[0].arraySync(), manual.arraySync())).toBeLessThan(1e-6);
    const equal = tf.tidy(() => tf.div(tf.addN(layers), 3));
    expect(maxAbsDiff(representations[1].arraySync(), equal.arraySync())).toBeLessThan(1e-6);
    expect((await mixes[1].values()).weights.map((w) => +w.toFixed(6))).toEqual([0.333333, 0.333333, 0.333333]);

    // gradients reach the scalar parameters and gamma
    const target = tf.randomNormal(layers[0].shape, 0, 1, 'float32', 7);
    const { value, grads } = tf.variableGrads(() => tf.mean(tf.square(tf.sub(mixes[0].apply(layers, mask), target))) as tf.Scalar, mixes[0].variables());
    expect(Number.isFinite(value.dataSync()[0])).toBe(true);
    for (const v of mixes[0].variables()) expect(Math.abs(tf.sum(tf.abs(grads[v.name])).dataSync()[0])).toBeGreaterThan(0);

    // layer norm over the unmasked values (AllenNLP's do_layer_norm)
    const normed = scalarMix(layers, tf.tensor1d([0, 0, 0]), tf.scalar(2), { mask, doLayerNorm: true });
    const m = mask.arraySync() as number[][];
    const L = layers.map((l) => l.arraySync() as number[][][]);
    const D = layers[0].shape[2];
    const expected = L[0].map((sent, b) =>
      sent.map((row, t) =>
        row.map((_, k) => {
          let total = 0;
          for (const layer of L) {
            let sum = 0;
            let count = 0;
            layer.forEach((s2, b2) => s2.forEach((r2, t2) => { if (m[b2][t2]) { for (const v of r2) sum += v; count += D; } }));
            const mean = sum / count;
            let sq = 0;
            layer.forEach((s2, b2) => s2.forEach((r2, t2) => { if (m[b2][t2]) for (const v of r2) sq += (v - mean) ** 2; }));
            total += ((layer[b][t][k] - mean) / Math.sqrt(sq / count + 1e-13)) / 3;
          }
          return 2 * total;
        }),
      ),
    );
    expect(maxAbsDiff(normed.arraySync(), expected)).toBeLessThan(1e-4);
    tf.dispose([...layers, mask, ...representations, manual, equal, target, value, ...Object.values(grads), normed]);
    model.scalarMixes.splice(0).forEach((mix) => mix.dispose());
  });

  it('embed(): pre-tokenised words give every layer per word', async () => {
    const [first, empty] = await model.embed([SENTENCES[1], []]);
    expect(empty.words).toEqual([]);
    expect(first.text).toBe('Money in the bank');
    expect(first.words.map((w) => w.word)).toEqual(SENTENCES[1]);
    expect(first.words[3].layers).toHaveLength(model.numLayers);
    expect(first.words[3].layers[2]).toHaveLength(model.dim);
    const ref = reference(TINY_OPTIONS, weights, SENTENCES[1]);
    expect(maxAbsDiff(first.words[3].layers[2], ref.layers[2][3])).toBeLessThan(2e-5);
  });

  it('embed(): text is split into words with offsets', async () => {
    const [sentence] = await model.embed(['Money, in the bank.']);
    expect(sentence.text).toBe('Money, in the bank.');
    expect(sentence.words.map((w) => [w.word, w.start, w.end])).toEqual([
      ['Money', 0, 5],
      [',', 5, 6],
      ['in', 7, 9],
      ['the', 10, 13],
      ['bank', 14, 18],
      ['.', 18, 19],
    ]);
    // case is kept, punctuation split off
    const [cased] = await model.embed(["Don't PANIC!"]);
    expect(cased.words.map((w) => w.word)).toEqual(['Don', "'", 't', 'PANIC', '!']);
    const ref = reference(TINY_OPTIONS, weights, ['Money', ',', 'in', 'the', 'bank', '.']);
    expect(maxAbsDiff(sentence.words[4].layers[1], ref.layers[1][4])).toBeLessThan(2e-5);
  });
});

describe('AllenNLP "small" shape (2x1024_128_2048cnn_1xhighway)', () => {
  it('builds and runs forward on a sentence', () => {
    const options: ElmoOptions = parseElmoOptions({
      lstm: { dim: 1024, projection_dim: 128, n_layers: 2, cell_clip: 3, proj_clip: 3, use_skip_connections: true },
      char_cnn: {
        activation: 'relu',
        embedding: { dim: 16 },
        filters: [[1, 32], [2, 32], [3, 64], [4, 128], [5, 256], [6, 512], [7, 1024]],
        max_characters_per_token: 50,
        n_characters: 262,
        n_highway: 1,
      },
    });
    const model = new ElmoModel(options, initElmoWeights(options, { seed: 1 }));
    expect(model.weights['CNN_high_0/W_carry'].shape).toEqual([2048, 2048]);
    expect(model.weights['RNN_1/RNN/MultiRNNCell/Cell1/LSTMCell/W_0'].shape).toEqual([256, 4096]);
    const { layers, mask } = model.run([['The', 'bat', 'flew', 'out', 'of', 'the', 'cave', '.']]);
    expect(layers.map((l) => l.shape)).toEqual([[1, 8, 256], [1, 8, 256], [1, 8, 256]]);
    for (const l of layers) expect(tf.all(tf.isFinite(l)).dataSync()[0]).toBe(1);
    tf.dispose([...layers, mask]);
    model.dispose();
  });
});
