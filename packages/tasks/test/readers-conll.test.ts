import { describe, expect, it } from 'vitest';
import { describeShared, sharedPath } from '../../../test/support/shared.js';
import { parseConll } from '../src/index.js';
import { readConll } from '../src/node.js';

describe('parseConll', () => {
  const conll2003 = [
    '-DOCSTART- -X- -X- O',
    '',
    'EU NNP B-NP B-ORG',
    'rejects VBZ B-VP O',
    '',
    '',
    'Peter NNP B-NP B-PER',
    'Blackburn NNP I-NP I-PER',
    '-DOCSTART- -X- -X- O',
    'BRUSSELS NNP B-NP B-LOC',
  ].join('\n');

  it('reads the original 4-column layout: tag = last column, -DOCSTART- and blank runs skipped', () => {
    const data = parseConll(conll2003, 'eng.train');
    expect(data.tagColumn).toBe(3);
    expect(data.sentences).toEqual([
      { tokens: ['EU', 'rejects'], tags: ['B-ORG', 'O'], line: 3 },
      { tokens: ['Peter', 'Blackburn'], tags: ['B-PER', 'I-PER'], line: 7 },
      { tokens: ['BRUSSELS'], tags: ['B-LOC'], line: 10 },
    ]);
  });

  it('passes over a trailing all-integer column (the shared `token tag 0` layout), tabs too', () => {
    const data = parseConll('EU\tB-ORG\t0\nrejects\tO\t0\n\nPeter B-PER 0\n');
    expect(data.tagColumn).toBe(1);
    expect(data.sentences.map((s) => s.tags)).toEqual([['B-ORG', 'O'], ['B-PER']]);
  });

  it('takes an explicit tag column, negative from the end', () => {
    expect(parseConll(conll2003, 'x', { tagColumn: -2 }).sentences[0].tags).toEqual(['B-NP', 'B-VP']);
    expect(() => parseConll(conll2003, 'x', { tagColumn: 0 })).toThrow('x: tagColumn 0 is out of range for 4 columns');
  });

  it('reports a line without a tag and a line with a different column count', () => {
    expect(() => parseConll('EU B-ORG\nrejects\n', 'a.txt')).toThrow(
      'a.txt:2: expected `token ... tag` (at least 2 whitespace-separated columns), got 1: "rejects"',
    );
    expect(() => parseConll('EU NNP B-ORG\n\nrejects O\n', 'a.txt')).toThrow('a.txt:3: expected 3 columns like line 1, got 2');
    expect(() => parseConll('\n-DOCSTART- O\n', 'a.txt')).toThrow('a.txt: no token lines');
  });
});

describeShared(['data', 'conll2003'], 'the shared CoNLL-2003 files', () => {
  it('have 14,041 / 3,250 / 3,453 sentences with IOB2 tags from column 1', () => {
    const counts = ['train', 'valid', 'test'].map((split) => {
      const data = readConll(sharedPath('data', 'conll2003', `${split}.txt`));
      expect(data.tagColumn).toBe(1);
      return data.sentences.length;
    });
    expect(counts).toEqual([14041, 3250, 3453]);
    const train = readConll(sharedPath('data', 'conll2003', 'train.txt'));
    const tags = new Set(train.sentences.flatMap((s) => s.tags));
    expect([...tags].sort()).toEqual(['B-LOC', 'B-MISC', 'B-ORG', 'B-PER', 'I-LOC', 'I-MISC', 'I-ORG', 'I-PER', 'O']);
    // 203,621 token lines (`grep -c . train.txt`).
    expect(train.sentences.reduce((n, s) => n + s.tokens.length, 0)).toBe(203621);
  });
});
