/** Cloze scoring and the cloze data file. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseClozeData, scoreCloze } from '../src/index.js';

describe('scoreCloze', () => {
  it('counts a sentence when an acceptable word is among its fillers, ignoring case; pieces never match', () => {
    const items = [
      { text: 'a [MASK] of tea', answers: ['cup', 'pot'] },
      { text: 'Rome is in [MASK].', answers: ['Italy'] },
      { text: 'the [MASK] sat', answers: ['cat'] },
    ];
    const predictions = [
      ['the', 'cu', '##p', 'pot', 'cup'],
      ['the', 'italy'],
      ['dog', 'cats', 'a'],
    ];
    const score = scoreCloze(items, predictions);
    expect(score.hits).toBe(2);
    expect(score.n).toBe(3);
    // The best-ranked acceptable filler counts: "pot" at 4, before "cup" at 5.
    expect(score.items.map((s) => [s.hit, s.rank])).toEqual([['pot', 4], ['italy', 2], [null, null]]);
    expect(score.items[2]).toEqual({ text: 'the [MASK] sat', answers: ['cat'], predictions: ['dog', 'cats', 'a'], hit: null, rank: null });
  });

  it('also matches a filler by its spelling in text (byte-level BPE marks the space: Ġcoffee)', () => {
    const items = [{ text: 'a cup of [MASK]', answers: ['coffee'] }];
    expect(scoreCloze(items, [['Ġtea', 'Ġcoffee']]).hits).toBe(0);
    const score = scoreCloze(items, [['Ġtea', 'Ġcoffee']], [['tea', 'coffee']]);
    expect(score.items[0]).toMatchObject({ predictions: ['Ġtea', 'Ġcoffee'], hit: 'Ġcoffee', rank: 2 });
    expect(() => scoreCloze(items, [['a']], [])).toThrow('scoreCloze: 1 prediction lists but 0 spelling lists');
  });

  it('needs one prediction list per sentence', () => {
    expect(() => scoreCloze([{ text: '[MASK]', answers: ['a'] }], [])).toThrow('scoreCloze: 1 items but 0 prediction lists');
  });
});

describe('parseClozeData', () => {
  it('reads sentences with one [MASK] and their answers', () => {
    expect(parseClozeData('{"text": "a [MASK] b", "answers": ["x", "y"]}\n', 'c.jsonl')).toEqual([{ text: 'a [MASK] b', answers: ['x', 'y'], line: 1 }]);
  });

  it('names the line of a sentence with no or two masks, or without answers', () => {
    expect(() => parseClozeData('{"text": "a b", "answers": ["x"]}', 'c.jsonl')).toThrow('c.jsonl:1: expected exactly one [MASK] in "text", found 0');
    expect(() => parseClozeData('{"text": "a [MASK] [MASK]", "answers": ["x"]}', 'c.jsonl')).toThrow('found 2');
    expect(() => parseClozeData('{"text": "a [MASK]", "answers": []}\n', 'c.jsonl')).toThrow(
      'c.jsonl:1: expected "answers" to be a non-empty array of words, got []',
    );
    expect(() => parseClozeData('\n\n', 'c.jsonl')).toThrow('c.jsonl: no records: expected one JSON object per line');
  });

  it('the shipped dev set has 30 sentences', () => {
    const path = join(__dirname, '..', 'data', 'cloze-dev.jsonl');
    expect(parseClozeData(readFileSync(path, 'utf8'), path)).toHaveLength(30);
  });
});
