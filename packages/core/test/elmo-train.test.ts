/**
 * The biLM objective: forward LM predicts the next word, backward LM the previous one, through one
 * softmax shared by both directions; full and sampled softmax; gradients on the wasm backend.
 */
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core's gradients are not in its Node bundle; under vitest this ESM file loads.
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../src/backend.js';
import { elmoVariables, initElmoWeights, parseElmoOptions, type ElmoWeights } from '../src/models/elmo/index.js';
import { buildElmoVocabulary } from '../src/pretrain/elmo-data.js';
import { elmoUnigramBaseline, evaluateHeldOutElmo, heldOutElmoBatches } from '../src/pretrain/elmo-eval.js';
import { elmoLmLoss, logUniformSample, type ElmoLmLossOptions } from '../src/pretrain/elmo-loss.js';
import { Rng } from '../src/train/rng.js';
import { batchToElmoCharIds, ELMoCharacterMapper } from '../src/tokenize/elmo-chars.js';
import { referenceElmo } from './support/elmo-reference.js';
import { TINY_OPTIONS } from './support/elmo-tiny.js';

const options = parseElmoOptions(TINY_OPTIONS);
const VOCAB = ['<S>', '</S>', '<UNK>', 'the', 'bank', 'river', 'money', 'in', 'by', '.', 'bat', 'flew'];
const ids = (words: string[]) => words.map((w) => Math.max(2, VOCAB.indexOf(w)));
const SENTENCES = [['the', 'bank', 'by', 'the', 'river', '.'], ['money', 'in', 'the', 'bank'], ['the', 'bat', 'flew', '.']];
const LOSS: ElmoLmLossOptions = { bosId: 0, eosId: 1 };

function batch() {
  const chars = batchToElmoCharIds(SENTENCES);
  return { charIds: tf.tensor3d(chars.ids, chars.shape, 'int32'), wordIds: SENTENCES.map(ids) };
}

function toRef(weights: ElmoWeights) {
  return Object.fromEntries(Object.entries(weights).map(([k, t]) => [k, { shape: t.shape, data: t.dataSync() as Float32Array }]));
}

/** -log p(target) per direction from the plain-loop reference's top layer, averaged. */
function referenceLoss(weights: ElmoWeights, logits?: (h: number[], target: number) => number): number {
  const ref = toRef(weights);
  const W = ref['softmax/W'];
  const b = ref['softmax/b'];
  const V = W.shape[0];
  const P = W.shape[1]!;
  const mapper = new ELMoCharacterMapper();
  let total = 0;
  let count = 0;
  for (const words of SENTENCES) {
    const out = referenceElmo(ref, TINY_OPTIONS, ['<S>', ...words, '</S>'].map((w) => mapper.convertWordToCharIds(w)));
    const top = out.withBoundaries[out.withBoundaries.length - 1];
    const sequence = [0, ...ids(words), 1];
    for (let t = 0; t < sequence.length; t++) {
      for (const [h, target] of [
        [top[t].slice(0, P), sequence[t + 1]],
        [top[t].slice(P), sequence[t - 1]],
      ] as Array<[number[], number | undefined]>) {
        if (target === undefined) continue;
        let value: number;
        if (logits) value = logits(h, target);
        else {
          const z = Array.from({ length: V }, (_, v) => b.data[v] + h.reduce((s, x, k) => s + x * W.data[v * P + k], 0));
          const max = Math.max(...z);
          value = Math.log(z.reduce((s, x) => s + Math.exp(x - max), 0)) + max - z[target];
        }
        total += value;
        count++;
      }
    }
  }
  return total / count;
}

describe('elmoLmLoss', () => {
  beforeAll(async () => {
    await initBackend();
  });

  it('full softmax equals the reference forward + backward LM loss', () => {
    const weights = initElmoWeights(options, { seed: 3, vocabSize: VOCAB.length });
    const { charIds, wordIds } = batch();
    const loss = elmoLmLoss(weights, options, { charIds, wordIds }, LOSS);
    expect(Math.abs(loss.dataSync()[0] - referenceLoss(weights))).toBeLessThan(1e-5);
    // sampling every other word is the full softmax
    const all = elmoLmLoss(weights, options, { charIds, wordIds }, { ...LOSS, softmax: 'sampled', numSampled: VOCAB.length });
    expect(all.dataSync()[0]).toBeCloseTo(loss.dataSync()[0], 6);
    tf.dispose([loss, all, charIds, ...Object.values(weights)]);
  });

  it('sampled softmax: TF log-uniform negatives, expected-count correction, accidental hits removed', () => {
    const weights = initElmoWeights(options, { seed: 4, vocabSize: VOCAB.length });
    const { charIds, wordIds } = batch();
    const a = elmoLmLoss(weights, options, { charIds, wordIds }, { ...LOSS, softmax: 'sampled', numSampled: 5, seed: 9 });
    const b = elmoLmLoss(weights, options, { charIds, wordIds }, { ...LOSS, softmax: 'sampled', numSampled: 5, seed: 9 });
    expect(a.dataSync()[0]).toBe(b.dataSync()[0]);

    const { sampled, expectedCount } = logUniformSample(5, VOCAB.length, new Rng(9));
    expect(new Set(sampled).size).toBe(5);
    const ref = toRef(weights);
    const W = ref['softmax/W'];
    const bias = ref['softmax/b'];
    const P = W.shape[1]!;
    const logit = (h: number[], v: number) => bias.data[v] + h.reduce((s, x, k) => s + x * W.data[v * P + k], 0) - Math.log(expectedCount(v));
    const expected = referenceLoss(weights, (h, target) => {
      const z = [logit(h, target), ...sampled.filter((v) => v !== target).map((v) => logit(h, v))];
      const max = Math.max(...z);
      return Math.log(z.reduce((s, x) => s + Math.exp(x - max), 0)) + max - z[0];
    });
    expect(Math.abs(a.dataSync()[0] - expected)).toBeLessThan(1e-5);
    tf.dispose([a, b, charIds, ...Object.values(weights)]);
  });

  it('log-uniform sampler follows P(k) = log((k+2)/(k+1)) / log(V+1)', () => {
    const rng = new Rng(1);
    const counts = new Array<number>(10).fill(0);
    for (let i = 0; i < 20000; i++) counts[logUniformSample(1, 10, rng).sampled[0]]++;
    for (let k = 0; k < 10; k++) {
      expect(Math.abs(counts[k] / 20000 - Math.log((k + 2) / (k + 1)) / Math.log(11))).toBeLessThan(0.015);
    }
  });

  it('has gradients for every weight that match finite differences', () => {
    const vars = elmoVariables(initElmoWeights(options, { seed: 5, vocabSize: VOCAB.length }));
    const { charIds, wordIds } = batch();
    const f = () => elmoLmLoss(vars, options, { charIds, wordIds }, LOSS);
    const { value, grads } = tf.variableGrads(f);
    for (const [name, v] of Object.entries(vars)) {
      expect(grads[v.name], name).toBeDefined();
      expect(tf.sum(tf.abs(grads[v.name])).dataSync()[0], name).toBeGreaterThan(0);
    }
    // central differences on a few entries (float32, so a loose tolerance)
    const probes: Array<[string, number]> = [
      ['char_embed', 4 + 3 * ('t'.charCodeAt(0) + 2)],
      ['CNN/W_cnn_2', 7],
      ['CNN_high_1/W_carry', 13],
      ['CNN_proj/b_proj', 2],
      ['RNN_1/RNN/MultiRNNCell/Cell0/LSTMCell/B', 25],
      ['RNN_0/RNN/MultiRNNCell/Cell1/LSTMCell/W_P_0', 11],
      ['softmax/W', 20],
    ];
    for (const [name, index] of probes) {
      const v = vars[name];
      const original = v.dataSync().slice();
      const at = (delta: number) => {
        const data = original.slice();
        data[index] += delta;
        v.assign(tf.tensor(data, v.shape));
        const l = f();
        const out = l.dataSync()[0];
        l.dispose();
        return out;
      };
      const eps = 1e-2;
      const numeric = (at(eps) - at(-eps)) / (2 * eps);
      v.assign(tf.tensor(original, v.shape));
      const analytic = grads[v.name].dataSync()[index];
      expect(Math.abs(numeric - analytic), `${name}[${index}]: ${numeric} vs ${analytic}`).toBeLessThan(2e-3 + 0.05 * Math.abs(analytic));
    }
    tf.dispose([value, charIds, ...Object.values(grads), ...Object.values(vars)]);
  });

  for (const softmax of ['full', 'sampled'] as const) {
    it(`trains a tiny biLM from scratch (${softmax} softmax)`, () => {
      const vars = elmoVariables(initElmoWeights(options, { seed: 6, vocabSize: VOCAB.length }));
      const { charIds, wordIds } = batch();
      const full = () => {
        const l = elmoLmLoss(vars, options, { charIds, wordIds }, LOSS);
        const out = l.dataSync()[0];
        l.dispose();
        return out;
      };
      const before = full();
      expect(before).toBeGreaterThan(2); // about log(12) at initialisation
      const optimizer = tf.train.adam(0.05);
      for (let step = 0; step < 40; step++) {
        const loss = optimizer.minimize(
          () => elmoLmLoss(vars, options, { charIds, wordIds }, { ...LOSS, softmax, numSampled: 6, seed: step }),
          true,
        )!;
        expect(Number.isFinite(loss.dataSync()[0])).toBe(true);
        loss.dispose();
      }
      expect(full()).toBeLessThan(before * (softmax === 'full' ? 0.5 : 0.75));
      optimizer.dispose();
      tf.dispose([charIds, ...Object.values(vars)]);
    });
  }

  it('explains a missing softmax and out-of-vocabulary ids', () => {
    const weights = initElmoWeights(options, { seed: 7 });
    const { charIds, wordIds } = batch();
    expect(() => elmoLmLoss(weights, options, { charIds, wordIds }, LOSS)).toThrow(/needs "softmax\/W"/);
    const withSoftmax = initElmoWeights(options, { seed: 7, vocabSize: 4 });
    expect(() => elmoLmLoss(withSoftmax, options, { charIds, wordIds }, LOSS)).toThrow(/word id \d+ outside the softmax vocabulary of 4/);
    tf.dispose([charIds, ...Object.values(weights), ...Object.values(withSoftmax)]);
  });
});

describe('held-out evaluation', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('scores every word and sentence end in both directions, whatever the batching', () => {
    const vocabulary = buildElmoVocabulary(SENTENCES, VOCAB.length);
    const weights = initElmoWeights(options, { seed: 9, vocabSize: vocabulary.words.length });
    const one = (batches: ReturnType<typeof heldOutElmoBatches>) => {
      const result = evaluateHeldOutElmo(weights, options, batches);
      tf.dispose(batches.map((b) => b.charIds));
      return result;
    };
    const together = one(heldOutElmoBatches(SENTENCES, vocabulary, { batchSize: 3, maxWords: 20 }));
    const apart = one(heldOutElmoBatches(SENTENCES, vocabulary, { batchSize: 1, maxWords: 20 }));
    expect(together.targets).toBe(2 * (7 + 5 + 5)); // six, four and four words, each with its end
    expect(apart.targets).toBe(together.targets);
    // Sentences of different lengths weigh by their targets, and padding in a batch changes nothing.
    expect(together.loss).toBeCloseTo(apart.loss, 5);
    expect(together.perplexity).toBeCloseTo(Math.exp(together.loss), 5);
    // One batch of all three is the loss the training objective gives with the full softmax.
    const chars = batchToElmoCharIds(SENTENCES);
    const charIds = tf.tensor3d(chars.ids, chars.shape, 'int32');
    const loss = elmoLmLoss(weights, options, { charIds, wordIds: SENTENCES.map((s) => s.map((w) => vocabulary.ids.get(w)!)) }, LOSS);
    expect(together.loss).toBeCloseTo(loss.dataSync()[0], 5);
    tf.dispose([loss, charIds, ...Object.values(weights)]);
  });

  it('takes sentences spread over the corpus, cut to maxWords', () => {
    const corpus = Array.from({ length: 10 }, (_, i) => (i === 3 ? [] : ['w' + i, 'x', 'y']));
    const vocabulary = buildElmoVocabulary(corpus, 20);
    const batches = heldOutElmoBatches(corpus, vocabulary, { batchSize: 2, maxWords: 2 }, 3);
    expect(batches.map((b) => b.wordIds.length)).toEqual([2, 1]);
    expect(batches.flatMap((b) => b.wordIds).map((ids) => vocabulary.words[ids[0]])).toEqual(['w0', 'w4', 'w7']);
    expect(batches.every((b) => b.wordIds.every((ids) => ids.length === 2))).toBe(true);
    tf.dispose(batches.map((b) => b.charIds));
  });

  it('has a unigram baseline from the training targets, add-one smoothed', () => {
    const train = [['a', 'b'], ['a'], []];
    const vocabulary = buildElmoVocabulary(train, 10); // <S> </S> <UNK> a b
    const batches = heldOutElmoBatches([['a'], ['c']], vocabulary, { batchSize: 2, maxWords: 5 });
    // Counts (1 + targets): a 1+4, b 1+2, <S> 1+2, </S> 1+2, <UNK> 1; total 15.
    // Held out: "a" (a twice, <S>, </S>) and "c" (<UNK> twice, <S>, </S>): 8 targets.
    const expected = -(2 * Math.log(5 / 15) + 2 * Math.log(1 / 15) + 4 * Math.log(3 / 15)) / 8;
    expect(elmoUnigramBaseline(train, vocabulary, batches)).toBeCloseTo(expected, 10);
    tf.dispose(batches.map((b) => b.charIds));
  });
});
