import { describe, expect, it } from 'vitest';
import { entityF1, getEntities } from '../src/index.js';

describe('getEntities (seqeval default mode)', () => {
  it('reads IOB2 spans with inclusive ends', () => {
    expect(getEntities(['B-PER', 'I-PER', 'O', 'B-LOC'])).toEqual([
      { type: 'PER', start: 0, end: 1 },
      { type: 'LOC', start: 3, end: 3 },
    ]);
  });

  it('starts an entity at an I- tag after O (IOB1, or a model that skipped the B-)', () => {
    expect(getEntities(['O', 'I-ORG', 'I-ORG', 'O'])).toEqual([{ type: 'ORG', start: 1, end: 2 }]);
  });

  it('splits at a type change inside an entity', () => {
    // I-LOC after B-PER: the PER entity ends (type differs) and LOC starts (type differs).
    expect(getEntities(['B-PER', 'I-LOC', 'I-LOC'])).toEqual([
      { type: 'PER', start: 0, end: 0 },
      { type: 'LOC', start: 1, end: 2 },
    ]);
  });

  it('reads IOB1, where B- only separates adjacent entities of one type', () => {
    // I-PER I-PER | B-PER | O | I-LOC → PER 0–1, PER 2–2, LOC 4–4.
    expect(getEntities(['I-PER', 'I-PER', 'B-PER', 'O', 'I-LOC'])).toEqual([
      { type: 'PER', start: 0, end: 1 },
      { type: 'PER', start: 2, end: 2 },
      { type: 'LOC', start: 4, end: 4 },
    ]);
  });

  it('honours IOBES end and single tags', () => {
    expect(getEntities(['S-LOC', 'B-PER', 'E-PER', 'I-PER'])).toEqual([
      { type: 'LOC', start: 0, end: 0 },
      { type: 'PER', start: 1, end: 2 },
      { type: 'PER', start: 3, end: 3 }, // I- after E- starts a new entity
    ]);
  });

  it('rejects a tag without a known prefix', () => {
    expect(() => getEntities(['O', 'PER'])).toThrow('tags[1]: expected a tag O, B-TYPE, I-TYPE, E-TYPE or S-TYPE, got "PER"');
  });
});

describe('entityF1', () => {
  it('matches seqeval on its README example (F1 0.50)', () => {
    // gold: MISC 3–5 and PER 0–1; predicted: MISC 2–5 (wrong start) and PER 0–1.
    // correct 1 of 2 predicted and 2 gold → P = R = F1 = 1/2; MISC 0/0/0, PER 1/1/1.
    const gold = [['O', 'O', 'O', 'B-MISC', 'I-MISC', 'I-MISC', 'O'], ['B-PER', 'I-PER', 'O']];
    const predicted = [['O', 'O', 'B-MISC', 'I-MISC', 'I-MISC', 'I-MISC', 'O'], ['B-PER', 'I-PER', 'O']];
    const result = entityF1(gold, predicted);
    expect([result.precision, result.recall, result.f1]).toEqual([0.5, 0.5, 0.5]);
    expect(Object.keys(result.perType)).toEqual(['MISC', 'PER']);
    expect(result.perType.MISC).toMatchObject({ precision: 0, recall: 0, f1: 0, support: 1 });
    expect(result.perType.PER).toMatchObject({ precision: 1, recall: 1, f1: 1, support: 1 });
  });

  it('micro-averages over entities of all types', () => {
    // gold: PER 0–1, LOC 3, ORG 5–6 (3); predicted: PER 0 (too short), LOC 3, ORG 5–6, LOC 8 (spurious) (4).
    // correct: LOC 3 and ORG 5–6 = 2 → P 2/4, R 2/3, F1 2·(1/2)(2/3)/(1/2 + 2/3) = (2/3)/(7/6) = 4/7.
    const gold = [['B-PER', 'I-PER', 'O', 'B-LOC', 'O', 'B-ORG', 'I-ORG', 'O', 'O']];
    const predicted = [['B-PER', 'O', 'O', 'B-LOC', 'O', 'I-ORG', 'I-ORG', 'O', 'B-LOC']];
    const result = entityF1(gold, predicted);
    expect(result.precision).toBe(0.5);
    expect(result.recall).toBeCloseTo(2 / 3, 15);
    expect(result.f1).toBeCloseTo(4 / 7, 15);
    expect(result.support).toBe(3);
    // LOC: predicted 2, correct 1, gold 1 → P 1/2, R 1, F1 2/3.
    expect(result.perType.LOC.f1).toBeCloseTo(2 / 3, 15);
  });

  it('does not join an entity across a sentence boundary', () => {
    // seqeval puts an O between sentences: I-PER opening sentence 2 is a new entity.
    const result = entityF1([['B-PER'], ['I-PER']], [['B-PER'], ['B-PER']]);
    expect(result.support).toBe(2);
    expect(result.f1).toBe(1);
  });

  it('rejects mismatched sentence counts and lengths', () => {
    expect(() => entityF1([['O']], [])).toThrow('entityF1: 1 gold sentences but 0 predicted');
    expect(() => entityF1([['O', 'O']], [['O']])).toThrow('entityF1: sentence 0 has 2 gold tags but 1 predicted');
  });
});
