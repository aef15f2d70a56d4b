import { describe, expect, it } from 'vitest';
import { normalizeSquadAnswer, squadEvaluate, squadExactMatch, squadF1 } from '../src/index.js';

describe('normalizeSquadAnswer (evaluate-v1.1.py)', () => {
  it('lower-cases, drops punctuation and articles, collapses whitespace', () => {
    // "The  Quick, brown fox!" → lower → drop ",!" → "the  quick brown fox" → drop "the" → collapse.
    expect(normalizeSquadAnswer('The  Quick, brown fox!')).toBe('quick brown fox');
    expect(normalizeSquadAnswer('An A the')).toBe('');
  });

  it('removes articles only as whole words, with Unicode word boundaries like Python', () => {
    expect(normalizeSquadAnswer('Thea and theory')).toBe('thea and theory');
    // Python's \b treats é as a word character, so the "a" in "éa" and "the" in "cafthé" stay.
    expect(normalizeSquadAnswer('éa cafthe a')).toBe('éa cafthe');
    // Punctuation goes first, so "the-end" becomes "theend", not an article.
    expect(normalizeSquadAnswer('the-end')).toBe('theend');
  });
});

describe('squadExactMatch / squadF1', () => {
  it('computes token F1 by hand', () => {
    // pred "the cat sat on the mat" → [cat sat on mat]; gold "a cat on a mat" → [cat on mat].
    // overlap 3: P 3/4, R 3/3 → F1 2·(3/4)/(7/4) = 6/7.
    expect(squadF1('the cat sat on the mat', ['a cat on a mat'])).toBeCloseTo(6 / 7, 15);
    // overlap counted with multiplicity: [x x y] vs [x y y] share one x and one y → P = R = 2/3.
    expect(squadF1('x x y', ['x y y'])).toBeCloseTo(2 / 3, 15);
  });

  it('takes the best gold answer', () => {
    // vs "Broncos": overlap 1, P 1/2, R 1 → 2/3; vs "the Denver team": overlap 1, P 1/2, R 1/2 → 1/2.
    expect(squadF1('Denver Broncos', ['Broncos', 'the Denver team'])).toBeCloseTo(2 / 3, 15);
    expect(squadExactMatch('Denver Broncos', ['Broncos', 'the Denver team'])).toBe(0);
    expect(squadExactMatch('the Broncos.', ['Broncos', 'the Denver team'])).toBe(1);
  });

  it('follows the official script when everything normalises away', () => {
    // Both normalise to "": exact match (equal strings) but F1 0 (no common tokens).
    expect(squadExactMatch('the', ['a'])).toBe(1);
    expect(squadF1('the', ['a'])).toBe(0);
  });

  it('squadEvaluate scores unanswered questions 0', () => {
    const questions = [
      { id: 'q1', answers: [{ text: 'Denver Broncos' }] },
      { id: 'q2', answers: [{ text: 'Santa Clara' }] },
    ];
    // q1: EM 1, F1 1; q2 unanswered: 0 → means 1/2.
    expect(squadEvaluate(questions, { q1: 'denver broncos' })).toEqual({ exactMatch: 0.5, f1: 0.5, unanswered: 1 });
    expect(squadEvaluate(questions, new Map([['q2', 'Clara']])).f1).toBeCloseTo(((2 * 1 * 0.5) / 1.5) / 2, 15);
  });
});
