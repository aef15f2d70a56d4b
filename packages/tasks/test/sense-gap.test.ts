/** The sense gap on vectors whose cosines are worked out by hand, and the data file's checks. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSenseGapData, senseGaps, wordGap } from '../src/index.js';

const R = Math.SQRT1_2; // cos([0, 1], [1, 1])

describe('senseGaps', () => {
  // Word A: x, x, y, y. Word B: x, x, y.
  const items = [
    { word: 'A', sense: 'x' },
    { word: 'A', sense: 'x' },
    { word: 'A', sense: 'y' },
    { word: 'A', sense: 'y' },
    { word: 'B', sense: 'x' },
    { word: 'B', sense: 'x' },
    { word: 'B', sense: 'y' },
  ];
  // vectors[item] = [layer 0, layer 1, layer 2]
  const vectors = [
    [[1, 0], [1, 1], [1, 0]],
    [[1, 0], [1, 1], [1, 0]],
    [[0, 1], [1, 1], [0, 1]],
    [[1, 1], [1, 1], [1, 1]],
    [[1, 0], [1, 1], [1, 0]],
    [[0, 1], [1, 1], [1, 0]],
    [[1, 0], [1, 1], [0, 1]],
  ];

  it('per word: mean same-sense cosine minus mean other-sense cosine; per layer: the mean over words', () => {
    const result = senseGaps(items, vectors);
    // Layer 0. A: same (1 + R)/2, other (0 + R + 0 + R)/4, gap 1/2. B: same 0, other (1 + 0)/2, gap -1/2.
    const [a0, b0] = result.layers[0].words;
    expect(a0.sameSense).toBeCloseTo((1 + R) / 2, 12);
    expect(a0.otherSense).toBeCloseTo(R / 2, 12);
    expect(a0.gap).toBeCloseTo(0.5, 12);
    expect(b0).toMatchObject({ word: 'B', sameSense: 0, otherSense: 0.5, gap: -0.5 });
    expect(result.layers[0].gap).toBeCloseTo(0, 12);
    expect(result.layers[0].positiveWords).toBe(1);
    // Layer 1: one vector for every use, as a static embedding: gap 0, no word positive.
    expect(result.layers[1].words.map((w) => w.gap)).toEqual([0, 0]);
    expect(result.layers[1].positiveWords).toBe(0);
    // Layer 2. A as in layer 0 (1/2); B: same 1, other 0, gap 1. Mean 3/4, both positive: the best layer.
    expect(result.layers[2].gap).toBeCloseTo(0.75, 12);
    expect(result.layers[2].positiveWords).toBe(2);
    expect(result.bestLayer).toBe(2);
  });

  it('takes the lowest layer on a tie', () => {
    const flat = vectors.map((layers) => [layers[1], layers[1]]);
    expect(senseGaps(items, flat).bestLayer).toBe(0);
  });

  it('needs two senses and a same-sense pair for every word, and one vector list per item', () => {
    expect(() => wordGap('bank', ['river', 'money'], [[1], [1]])).toThrow('sense gap: "bank" needs two senses and two sentences of one sense; it has river ×1, money ×1');
    expect(() => wordGap('bank', ['river', 'river'], [[1], [1]])).toThrow('it has river ×2');
    expect(() => senseGaps(items, vectors.slice(1))).toThrow('senseGaps: 7 items but 6 vector lists');
    expect(() => senseGaps(items.slice(0, 2), [[[1]], [[1], [2]]])).toThrow('senseGaps: item 1 has 2 layers, item 0 has 1');
  });
});

describe('parseSenseGapData', () => {
  it('reads text, word, sense and offsets, checking the offsets against the text', () => {
    const text = '{"text": "The Bank closed.", "word": "bank", "sense": "money", "start": 4, "end": 8}\n\n{"text": "a bank", "word": "bank", "sense": "river", "start": 2, "end": 6}\n';
    expect(parseSenseGapData(text, 'd.jsonl')).toEqual([
      { text: 'The Bank closed.', word: 'bank', sense: 'money', start: 4, end: 8, line: 1 },
      { text: 'a bank', word: 'bank', sense: 'river', start: 2, end: 6, line: 3 },
    ]);
  });

  it('names the file and line of offsets that miss the word, fields that are missing, and bad JSON', () => {
    expect(() => parseSenseGapData('{"text": "a bank", "word": "bank", "sense": "r", "start": 1, "end": 5}', 'd.jsonl')).toThrow(
      'd.jsonl:1: characters 1–5 of the text are " ban", not the word "bank"',
    );
    expect(() => parseSenseGapData('{"text": "a bank", "word": "bank", "sense": "r", "start": 2, "end": 9}', 'd.jsonl')).toThrow(
      'd.jsonl:1: expected integer "start" < "end" within the text\'s 6 characters, got start 2, end 9',
    );
    expect(() => parseSenseGapData('{"text": "a bank", "word": "bank", "start": 2, "end": 6}', 'd.jsonl')).toThrow(
      'd.jsonl:1: expected "sense" to be a non-empty string, got nothing',
    );
    expect(() => parseSenseGapData('\n{"text": "a bank",}', 'd.jsonl')).toThrow(/^d\.jsonl:2:\d+: not valid JSON \(expected /);
    expect(() => parseSenseGapData('[1]', 'd.jsonl')).toThrow('d.jsonl:1: expected a JSON object, got an array');
  });

  it('the shipped dev set: 12 words × 2 senses × 4 sentences, every offset on its word', () => {
    const path = join(__dirname, '..', 'data', 'sense-gap-dev.jsonl');
    const items = parseSenseGapData(readFileSync(path, 'utf8'), path);
    expect(items).toHaveLength(96);
    const words = [...new Set(items.map((i) => i.word))];
    expect(words).toHaveLength(12);
    for (const word of words) {
      const senses = items.filter((i) => i.word === word).map((i) => i.sense);
      expect(new Set(senses).size).toBe(2);
      for (const sense of new Set(senses)) expect(senses.filter((s) => s === sense)).toHaveLength(4);
    }
  });
});
