import { describe, expect, it } from 'vitest';
import { DataFormatError, parseSquad } from '../src/index.js';

const context = 'Denver Broncos won Super Bowl 50.';
function squad(answers: unknown, id = '56be4db0acb8001400a502ec'): string {
  return JSON.stringify(
    {
      version: '1.1',
      data: [
        {
          title: 'Super_Bowl_50',
          paragraphs: [{ context, qas: [{ id, question: 'Who won Super Bowl 50?', answers }] }],
        },
      ],
    },
    null,
    2,
  );
}

describe('parseSquad', () => {
  it('flattens articles → paragraphs → questions, keeping every answer', () => {
    const data = parseSquad(squad([{ text: 'Denver Broncos', answer_start: 0 }, { text: 'Broncos', answer_start: 7 }]));
    expect(data.version).toBe('1.1');
    expect(data.questions).toEqual([
      {
        id: '56be4db0acb8001400a502ec',
        title: 'Super_Bowl_50',
        context,
        question: 'Who won Super Bowl 50?',
        answers: [
          { text: 'Denver Broncos', start: 0 },
          { text: 'Broncos', start: 7 },
        ],
      },
    ]);
  });

  it('rejects an answer that is not at answer_start, naming the question id and its line', () => {
    const text = squad([{ text: 'Broncos', answer_start: 6 }]);
    // The id sits on line 11 of the pretty-printed JSON.
    expect(text.split('\n')[10]).toContain('"id"');
    expect(() => parseSquad(text, 'dev.json')).toThrow(DataFormatError);
    expect(() => parseSquad(text, 'dev.json')).toThrow(
      'dev.json:11: data[0].paragraphs[0].qas[0].answers[0] (question "56be4db0acb8001400a502ec"): answer "Broncos" is not at answer_start 6 of the context, which has " Bronco" there',
    );
  });

  it('rejects missing fields, empty answers and duplicate ids', () => {
    expect(() => parseSquad(squad([{ text: 'Denver', answer_start: '0' }]), 's.json')).toThrow(
      '`answer_start` must be a non-negative integer, got "0"',
    );
    expect(() => parseSquad(squad([]), 's.json')).toThrow('`answers` must be a non-empty array (SQuAD v1.1');
    expect(() => parseSquad('{"data": 3}', 's.json')).toThrow('s.json:1: $: expected an object with a `data` array');
    const twice = JSON.stringify(
      { data: [{ paragraphs: [{ context: 'ab', qas: [1, 2].map(() => ({ id: 'q', question: '?', answers: [{ text: 'a', answer_start: 0 }] })) }] }] },
      null,
      1,
    );
    // With one-space indentation the two ids land on lines 9 and 19.
    expect(() => parseSquad(twice, 's.json')).toThrow(
      `s.json:19: data[0].paragraphs[0].qas[1] (question "q"): duplicate question id, first used on line 9`,
    );
  });

  it('turns a JSON syntax error position into line and column', () => {
    expect(() => parseSquad('{\n  "data": [\n    }\n', 'bad.json')).toThrow(
      'bad.json:3:5: invalid JSON: expected a value (object, array, string, number, true, false or null), got "}"',
    );
    expect(() => parseSquad('{"data": [1, 2', 'bad.json')).toThrow('bad.json:1:15: invalid JSON: expected \',\' or \']\', got the end of the file');
    expect(() => parseSquad('{"data": [],}', 'bad.json')).toThrow('bad.json:1:13: invalid JSON: expected a string, got "}"');
  });
});
