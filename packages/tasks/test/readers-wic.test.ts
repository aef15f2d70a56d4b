import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataFormatError, parseWic, parseWicData, parseWicGold } from '../src/index.js';
import { readWicSplit, wicSplits } from '../src/node.js';

const DATA =
  'carry\tV\t2-1\tYou must carry your camping gear .\tSound carries well over water .\n' +
  'bank\tN\t0-4\tBank deposits rose .\tWe sat on the bank .\n';

describe('WiC reader', () => {
  it('parses words, PoS, target indices, sentences split on spaces, and gold labels', () => {
    const examples = parseWic({ text: DATA, file: 'x.data.txt' }, { text: 'F\r\nT\n\n', file: 'x.gold.txt' });
    expect(examples).toHaveLength(2);
    expect(examples[0]).toEqual({
      word: 'carry',
      pos: 'V',
      sentences: [
        ['You', 'must', 'carry', 'your', 'camping', 'gear', '.'],
        ['Sound', 'carries', 'well', 'over', 'water', '.'],
      ],
      targets: [2, 1],
      label: false,
      line: 1,
    });
    expect(examples[1].sentences[1][examples[1].targets[1]]).toBe('bank');
    expect(examples[1].label).toBe(true);
  });

  it.each([
    ['carry\tV\t2-1\tYou must carry .\n', /x\.data\.txt:1: expected 5 tab-separated columns .*got 4/],
    ['carry\tV\t2-1\ta b carry\tc carry\textra\n', /x\.data\.txt:1: expected 5 tab-separated columns .*got 6/],
    ['carry\tV\t2\ta b carry\tc carry\n', /x\.data\.txt:1: expected the indices as "i1-i2", got "2"/],
    ['carry\tV\tx-1\ta b carry\tc carry\n', /x\.data\.txt:1: first index "x" is not a non-negative integer/],
    ['carry\tV\t2-1.5\ta b carry\tc carry\n', /x\.data\.txt:1: second index "1\.5" is not a non-negative integer/],
    ['carry\tV\t2--1\ta b carry\tc carry\n', /x\.data\.txt:1: expected the indices/],
    ['carry\tV\t3-1\ta b carry\tc carry\n', /x\.data\.txt:1: first index 3 is out of range \(sentence 1 has 3 words\)/],
    [DATA + 'go\tV\t0-2\tgo away\tlet us\n', /x\.data\.txt:3: second index 2 is out of range \(sentence 2 has 2 words\)/],
  ])('rejects malformed data line %#', (text, message) => {
    expect(() => parseWicData(text, 'x.data.txt')).toThrow(message);
    expect(() => parseWicData(text, 'x.data.txt')).toThrow(DataFormatError);
  });

  it('rejects gold lines other than T or F, naming the line', () => {
    expect(() => parseWicGold('T\nF\nyes\n', 'x.gold.txt')).toThrow(/x\.gold\.txt:3: expected T or F, got "yes"/);
    expect(() => parseWicGold('T\n\nF\n', 'x.gold.txt')).toThrow(/x\.gold\.txt:2: expected T or F/);
  });

  it('rejects data and gold files whose line counts differ, naming the first unpaired line', () => {
    expect(() => parseWic({ text: DATA, file: 'x.data.txt' }, { text: 'T\n', file: 'x.gold.txt' })).toThrow(
      /x\.gold\.txt:2: line missing: x\.data\.txt has 2 lines but x\.gold\.txt has 1/,
    );
    expect(() => parseWic({ text: DATA, file: 'x.data.txt' }, { text: 'T\nF\nT\n', file: 'x.gold.txt' })).toThrow(
      /x\.data\.txt:3: line missing/,
    );
  });

  it('reads a split from a folder, and says which splits exist when the asked one does not', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wb-wic-'));
    writeFileSync(join(dir, 'train.data.txt'), DATA);
    writeFileSync(join(dir, 'train.gold.txt'), 'F\nT\n');
    writeFileSync(join(dir, 'dev.data.txt'), DATA);
    writeFileSync(join(dir, 'dev.gold.txt'), 'F\nT\nT\n');
    writeFileSync(join(dir, 'test.data.txt'), DATA); // no gold: not a usable split
    expect(wicSplits(dir)).toEqual(['dev', 'train']);
    expect(readWicSplit(dir, 'train').map((e) => e.label)).toEqual([false, true]);
    expect(() => readWicSplit(dir, 'test')).toThrow(/test\.gold\.txt does not exist: this WiC folder has the split\(s\) dev, train/);
    expect(() => readWicSplit(dir, 'dev')).toThrow(new RegExp(`${join(dir, 'dev.data.txt').replace(/[.]/g, '\\.')}:3: line missing`));
    expect(() => readWicSplit(join(dir, 'nope'), 'dev')).toThrow(/WiC folder .*nope does not exist/);
  });
});
