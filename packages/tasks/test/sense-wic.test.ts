import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateWic } from '../src/index.js';
import { readWicSplit } from '../src/node.js';
import { StubEmbedder } from './support/stub-embedder.js';

/**
 * Each pair's target words are "aN" and "bN". The stub gives them, in layer 1, the vectors
 * (1, 0) and (s, √(1 − s²)), whose cosine is s; layer 0 is (1, 1) for every word, so its
 * similarities are all 1 and it cannot do better than the majority class.
 */
const TRAIN: Array<[number, boolean]> = [
  [0.9, true],
  [0.8, true],
  [0.6, true],
  [0.5, false],
  [0.1, false],
  [-0.2, false],
];
const DEV: Array<[number, boolean]> = [
  [0.7, true], // above 0.55: T, right
  [0.52, false], // below: F, right
  [0.58, false], // above: T, wrong
  [0.2, true], // below: F, wrong
];

function writeSplit(dir: string, name: string, pairs: Array<[number, boolean]>, prefix: string) {
  // Targets at different positions, sentences of different lengths (so batches get sorted).
  const data = pairs.map((_, i) => `w\tN\t${i % 3}-0\t${'x '.repeat(i % 3)}a${prefix}${i} y\tb${prefix}${i}${' z'.repeat(i)}`);
  writeFileSync(join(dir, `${name}.data.txt`), data.join('\n') + '\n');
  writeFileSync(join(dir, `${name}.gold.txt`), pairs.map(([, label]) => (label ? 'T' : 'F')).join('\n') + '\n');
}

function stub(): StubEmbedder {
  const similarity = new Map<string, number>();
  TRAIN.forEach(([s], i) => similarity.set(`t${i}`, s));
  DEV.forEach(([s], i) => similarity.set(`d${i}`, s));
  return new StubEmbedder(2, 2, (words, index) => {
    const word = words[index];
    const s = similarity.get(word.slice(1));
    if (word.startsWith('a') && s !== undefined) return [[1, 1], [1, 0]];
    if (word.startsWith('b') && s !== undefined) return [[1, 1], [s, Math.sqrt(1 - s * s)]];
    return [[0, 0], [0, 0]];
  });
}

describe('WiC evaluation', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wb-wic-eval-'));
  writeSplit(dir, 'train', TRAIN, 't');
  writeSplit(dir, 'dev', DEV, 'd');
  const train = readWicSplit(dir, 'train');
  const dev = readWicSplit(dir, 'dev');

  it('picks the layer and threshold on train and scores dev, as worked out by hand', async () => {
    const model = stub();
    const result = await evaluateWic(model, train, dev, { batchSize: 4 });
    // Layer 1 separates train perfectly between 0.5 and 0.6: threshold 0.55, train accuracy 1.
    expect(result.layer).toBe(1);
    expect(result.threshold).toBeCloseTo(0.55, 6);
    expect(result.accuracy).toBeCloseTo(2 / 4, 12);
    expect(result.n).toBe(4);
    const [layer0, layer1, mix] = result.layers;
    expect(result.layers.map((r) => r.layer)).toEqual([0, 1, 'mix']);
    expect(layer1.trainAccuracy).toBe(1);
    // Layer 0: every similarity is 1, so the only cuts are "all T" and "all F" (3/6 each); the
    // lower, "all T" (threshold 1 − 1 = 0), wins and on dev gets the two T pairs right.
    expect(layer0.trainAccuracy).toBeCloseTo(0.5, 12);
    expect(layer0.threshold).toBeCloseTo(0, 6);
    expect(layer0.accuracy).toBeCloseTo(0.5, 12);
    expect(mix.trainAccuracy).toBeLessThanOrEqual(1);
    // Sentences go to the model in batches of at most 4, shortest first within a step.
    expect(model.calls.every((batch) => batch.length <= 4)).toBe(true);
  });

  it('uses the asked layer, "mix" included, and rejects one the model does not have', async () => {
    const forced = await evaluateWic(stub(), train, dev, { layer: 0 });
    expect(forced.layer).toBe(0);
    expect(forced.accuracy).toBeCloseTo(0.5, 12);
    expect((await evaluateWic(stub(), train, dev, { layer: 'mix' })).layer).toBe('mix');
    await expect(evaluateWic(stub(), train, dev, { layer: 2 })).rejects.toThrow(/layer 2 does not exist: the model has layers 0\.\.1/);
  });

  it('reports progress in sentences', async () => {
    let seen = 0;
    await evaluateWic(stub(), train, dev, { batchSize: 3, onProgress: (n) => (seen += n) });
    expect(seen).toBe(2 * (TRAIN.length + DEV.length));
  });
});
