import { describe, expect, it } from 'vitest';
import { accuracy, classificationReport, macroF1 } from '../src/index.js';

describe('accuracy', () => {
  it('is the fraction of matching positions', () => {
    expect(accuracy([0, 0, 1, 1, 2, 2], [0, 1, 1, 1, 0, 2])).toBeCloseTo(4 / 6, 15);
    expect(accuracy(['pos', 'neg'], ['pos', 'pos'])).toBe(0.5);
  });

  it('rejects inputs of different lengths or no inputs', () => {
    expect(() => accuracy([1, 2], [1])).toThrow('accuracy: the two inputs must have the same length, got 2 and 1');
    expect(() => accuracy([], [])).toThrow('accuracy: needs at least 1 pair, got 0');
  });
});

describe('classificationReport / macroF1', () => {
  it('matches a hand computation', () => {
    // gold [0,0,1,1,2,2], predicted [0,1,1,1,0,2]:
    //   class 0: predicted at 0,4 (2), correct at 0 (1), gold 2 → P 1/2, R 1/2, F1 1/2
    //   class 1: predicted at 1,2,3 (3), correct at 2,3 (2), gold 2 → P 2/3, R 1, F1 2·(2/3)/(5/3) = 4/5
    //   class 2: predicted at 5 (1), correct 1, gold 2 → P 1, R 1/2, F1 2·(1/2)/(3/2) = 2/3
    //   macro P (1/2 + 2/3 + 1)/3 = 13/18, R (1/2 + 1 + 1/2)/3 = 2/3, F1 (1/2 + 4/5 + 2/3)/3 = 59/90
    const report = classificationReport([0, 0, 1, 1, 2, 2], [0, 1, 1, 1, 0, 2]);
    expect(report.labels).toEqual([0, 1, 2]);
    const expected = [
      [1 / 2, 1 / 2, 1 / 2, 2],
      [2 / 3, 1, 4 / 5, 2],
      [1, 1 / 2, 2 / 3, 2],
    ];
    report.perClass.forEach((s, c) => {
      expect([s.precision, s.recall, s.f1, s.support].map((v, k) => v - expected[c][k]).every((d) => Math.abs(d) < 1e-12)).toBe(true);
    });
    expect(report.macro.precision).toBeCloseTo(13 / 18, 12);
    expect(report.macro.recall).toBeCloseTo(2 / 3, 12);
    expect(report.macro.f1).toBeCloseTo(59 / 90, 12);
  });

  it('scores a class that is never predicted as 0 (scikit-learn zero_division=0)', () => {
    // class 0: P 1/2, R 1, F1 2/3; class 1: never predicted, P = R = F1 = 0 → macro F1 1/3.
    expect(macroF1([0, 1], [0, 0])).toBeCloseTo(1 / 3, 12);
  });

  it('averages over given labels, even absent ones, and over string labels', () => {
    // Class 2 is in neither list: its F1 is 0, so the macro F1 is (1 + 1 + 0)/3 = 2/3.
    expect(macroF1([0, 1], [0, 1], { labels: [0, 1, 2] })).toBeCloseTo(2 / 3, 12);
    expect(classificationReport(['neu', 'pos', 'neg'], ['neu', 'pos', 'neg']).labels).toEqual(['neg', 'neu', 'pos']);
  });
});
