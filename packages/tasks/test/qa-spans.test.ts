/**
 * Extractive QA windows and span decoding on a handmade SQuAD v1.1 set: a context long enough to
 * need several overlapping windows, with answers that carry accents (precomposed and combining),
 * CJK ideographs and a character outside the BMP; each must come back as exactly the characters
 * of the original context.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { answerPositions, bestSpan, encodeQaWindows, predictAnswers, spanCharacters, squadEvaluate, type QaWindow } from '../src/index.js';
import { readSquad } from '../src/node.js';
import { tinyTokenizer } from './support/tiny-random-bert.js';

const CONTEXT =
  'Anna Smith visited Montréal in 1996. Then she went to Paris and ordered a cafe\u0301. ' +
  'Later he went to 東京, the capital. 𠮷野家 is in 日本. Johanson visited Berlin, the city of the film.';

const QUESTIONS: Array<[string, string, string]> = [
  ['q-accent', 'Where did Anna go?', 'Montréal'],
  ['q-combining', 'What did she order?', 'cafe\u0301'],
  ['q-cjk', 'What is the capital?', '東京'],
  ['q-astral', 'What is in 日本?', '𠮷野家'],
  ['q-last', 'Who visited Berlin?', 'Johanson'],
];

function writeSquadFile(): string {
  const qas = QUESTIONS.map(([id, question, answer]) => ({ id, question, answers: [{ text: answer, answer_start: CONTEXT.indexOf(answer) }] }));
  const path = join(mkdtempSync(join(tmpdir(), 'wb-qa-')), 'handmade.json');
  writeFileSync(path, JSON.stringify({ version: '1.1', data: [{ title: 'Handmade', paragraphs: [{ context: CONTEXT, qas }] }] }, null, 1));
  return path;
}

const tokenizer = tinyTokenizer();
const questions = readSquad(writeSquadFile()).questions;
const windows = encodeQaWindows(tokenizer, questions, { maxLength: 24, docStride: 4 });

describe('encodeQaWindows', () => {
  it('splits the long context into overlapping windows of at most maxLength tokens', () => {
    for (let e = 0; e < questions.length; e++) {
      const own = windows.filter((w) => w.example === e);
      expect(own.length).toBeGreaterThanOrEqual(3);
      for (const w of own) {
        expect(w.ids.length).toBeLessThanOrEqual(24);
        expect(w.ids[0]).toBe(tokenizer.clsTokenId);
        expect(w.ids[w.contextStart - 1]).toBe(tokenizer.sepTokenId);
        expect(w.ids.at(-1)).toBe(tokenizer.sepTokenId);
        expect(w.typeIds.slice(0, w.contextStart).every((t) => t === 0)).toBe(true);
        expect(w.typeIds.slice(w.contextStart).every((t) => t === 1)).toBe(true);
      }
      // Consecutive windows share 4 context tokens, and together cover the context to its end.
      for (let k = 1; k < own.length; k++) expect(own[k].offsets.slice(0, 4)).toEqual(own[k - 1].offsets.slice(-4));
      expect(own.at(-1)!.offsets.at(-1)![1]).toBe(CONTEXT.length);
    }
  });

  it('marks the answer\'s tokens where the window holds it whole, [CLS] elsewhere; they map back to the exact characters', () => {
    questions.forEach((q, e) => {
      const answer = q.answers[0];
      const own = windows.filter((w) => w.example === e);
      const holding = own.filter((w) => w.startPosition! > 0);
      expect(holding.length, q.id).toBeGreaterThanOrEqual(1);
      for (const w of own.filter((x) => x.startPosition === 0)) expect(w.endPosition).toBe(0);
      for (const w of holding) {
        expect(w.endPosition!).toBeGreaterThanOrEqual(w.startPosition!);
        const { start, end } = spanCharacters(w, { startToken: w.startPosition!, endToken: w.endPosition!, score: 0 });
        expect(CONTEXT.slice(start, end), q.id).toBe(answer.text);
        expect(start).toBe(answer.start);
      }
    });
  });

  it('answerPositions: [CLS] when the answer runs past the window', () => {
    expect(answerPositions([[0, 4], [5, 9]], 3, 5, 12)).toEqual({ startPosition: 0, endPosition: 0 });
    expect(answerPositions([[0, 4], [5, 9]], 3, 5, 9)).toEqual({ startPosition: 4, endPosition: 4 });
    expect(answerPositions([], 3, 0, 1)).toEqual({ startPosition: 0, endPosition: 0 });
  });
});

/** Logits that point at the gold span in every window holding it, with decoys on [CLS] and the question. */
function oracleLogits(ws: readonly QaWindow[]) {
  return ws.map((w) => {
    const start = new Float32Array(w.ids.length + 3); // + padding, which must never be read
    const end = new Float32Array(w.ids.length + 3);
    start[0] = end[0] = 100; // [CLS]
    start[1] = end[1] = 50; // a question token
    start.fill(80, w.ids.length);
    end.fill(80, w.ids.length);
    if (w.startPosition! > 0) {
      start[w.startPosition!] = 10;
      end[w.endPosition!] = 10;
      // An end before the start scores high but is not a valid span.
      if (w.startPosition! - 1 >= w.contextStart) end[w.startPosition! - 1] = 15;
    }
    return { start, end };
  });
}

describe('predictAnswers', () => {
  it('finds the best valid span over all windows and returns the original characters', () => {
    const answers = predictAnswers(questions, windows, oracleLogits(windows));
    for (const [id, , gold] of QUESTIONS) {
      expect(answers.get(id)?.text, id).toBe(gold);
      expect(answers.get(id)?.start).toBe(CONTEXT.indexOf(gold));
    }
    const scores = squadEvaluate(questions, new Map([...answers].map(([id, a]) => [id, a.text])));
    expect(scores).toEqual({ exactMatch: 1, f1: 1, unanswered: 0 });
  });

  it('respects the maximum answer length', () => {
    const accent = questions.findIndex((q) => q.id === 'q-accent');
    const own = windows.filter((w) => w.example === accent && w.startPosition! > 0);
    const [w] = own;
    expect(w.endPosition! - w.startPosition!).toBe(1); // mont ##real
    const [logits] = oracleLogits([w]);
    expect(bestSpan(w, logits.start, logits.end, 2)).toMatchObject({ startToken: w.startPosition, endToken: w.endPosition });
    const short = bestSpan(w, logits.start, logits.end, 1)!;
    expect(short.endToken).toBe(short.startToken);
    expect(short.startToken).toBeGreaterThanOrEqual(w.contextStart);
  });
});
