import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeShared, sharedPath } from '../../../test/support/shared.js';
import { DataFormatError, parseSenseval } from '../src/index.js';
import { readSensevalFolder } from '../src/node.js';

const HEADER = 'instance_id\tsense\ttarget_index\ttokens\n';

describe('Senseval reader', () => {
  it('parses instances with their words, target index and line', () => {
    const instances = parseSenseval(HEADER + 'line-1\tcord\t2\tpull the line tight\r\nline-2\tphone\t1\tthe lines were busy\n\n', 'line.tsv');
    expect(instances).toEqual([
      { id: 'line-1', sense: 'cord', words: ['pull', 'the', 'line', 'tight'], target: 2, line: 2 },
      { id: 'line-2', sense: 'phone', words: ['the', 'lines', 'were', 'busy'], target: 1, line: 3 },
    ]);
  });

  it.each([
    ['', /line\.tsv: empty file/],
    ['id\tsense\ttarget\ttokens\n', /line\.tsv:1: expected the header instance_id<TAB>sense<TAB>target_index<TAB>tokens/],
    [HEADER + 'a\tcord\t2\n', /line\.tsv:2: expected 4 tab-separated columns .*got 3/],
    [HEADER + 'a\tcord\t0\tx\nb\tcord\ttwo\tpull the line\n', /line\.tsv:3: target_index "two" is not a non-negative integer/],
    [HEADER + 'a\tcord\t-1\tpull the line\n', /line\.tsv:2: target_index "-1" is not a non-negative integer/],
    [HEADER + 'a\tcord\t3\tpull the line\n', /line\.tsv:2: target_index 3 is out of range \(the line has 3 tokens\)/],
    [HEADER + 'a\t\t0\tline\n', /line\.tsv:2: empty sense/],
    [HEADER + 'a\tcord\t0\t \n', /line\.tsv:2: no tokens/],
  ])('rejects malformed input %#', (text, message) => {
    expect(() => parseSenseval(text, 'line.tsv')).toThrow(message);
    expect(() => parseSenseval(text, 'line.tsv')).toThrow(DataFormatError);
  });

  it('reads every WORD.tsv of a folder by word, and names the file in errors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wb-senseval-'));
    writeFileSync(join(dir, 'line.tsv'), HEADER + 'a\tcord\t0\tline\n');
    writeFileSync(join(dir, 'hard.tsv'), HEADER + 'b\tHARD1\t1\tvery hard\n');
    writeFileSync(join(dir, 'README.orig'), 'not data');
    const data = readSensevalFolder(dir);
    expect(Object.keys(data)).toEqual(['hard', 'line']);
    expect(data.hard[0].words[data.hard[0].target]).toBe('hard');
    writeFileSync(join(dir, 'serve.tsv'), HEADER + 'c\tSERVE2\t5\tserve\n');
    expect(() => readSensevalFolder(dir)).toThrow(new RegExp(`${join(dir, 'serve.tsv').replace(/[.]/g, '\\.')}:2: target_index 5 is out of range`));
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    expect(() => readSensevalFolder(empty)).toThrow(/no \.tsv files/);
  });
});

describeShared(['data', 'senseval'], 'the shared Senseval folder', () => {
  it('parses all four words', () => {
    const data = readSensevalFolder(sharedPath('data', 'senseval'));
    expect(Object.keys(data)).toEqual(['hard', 'interest', 'line', 'serve']);
    expect(data.line.length).toBe(4146);
    expect(new Set(data.line.map((i) => i.words[i.target].toLowerCase()))).toEqual(new Set(['line', 'lines', 'lined']));
  });
});
