import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeShared, sharedPath } from '../../../test/support/shared.js';
import { DataFormatError, parseSst2 } from '../src/index.js';
import { readSst2 } from '../src/node.js';

describe('parseSst2', () => {
  it('reads headerless rows (the shared SST-2 layout), CRLF and a trailing blank line included', () => {
    const data = parseSst2('a gripping film\t1\r\ndull and long\t0\r\n\r\n', 'x.tsv');
    expect(data.header).toBeNull();
    expect(data.labelNames).toEqual(['0', '1']);
    expect(data.examples).toEqual([
      { text: 'a gripping film', label: 1, line: 1 },
      { text: 'dull and long', label: 0, line: 2 },
    ]);
  });

  it('detects a GLUE header and finds the columns by name', () => {
    const data = parseSst2('sentence\tlabel\nfine\t1\nbad\t0\n');
    expect(data.header).toEqual(['sentence', 'label']);
    expect(data.examples.map((e) => [e.text, e.label, e.line])).toEqual([
      ['fine', 1, 2],
      ['bad', 0, 3],
    ]);
    // A header whose label column comes first, with an extra column.
    const swapped = parseSst2('label\tid\tsentence\n1\t7\tfine\n');
    expect(swapped.examples).toEqual([{ text: 'fine', label: 1, line: 2 }]);
  });

  it('treats a first row whose label is not an integer as a header', () => {
    expect(parseSst2('text\tsentiment\ngood\t1\n').header).toEqual(['text', 'sentiment']);
  });

  it('names file, line and column of a bad label', () => {
    const bad = () => parseSst2('good\t1\nbad\tneg\n', 'dev.tsv');
    expect(bad).toThrow(DataFormatError);
    // "bad\t" is 4 characters, so the label starts in column 5.
    expect(bad).toThrow('dev.tsv:2:5: expected a non-negative integer label, got "neg"');
  });

  it('reports a row with the wrong number of fields, hinting at tabs in the sentence', () => {
    expect(() => parseSst2('good\t1\nno label here\n', 'a.tsv')).toThrow(
      'a.tsv:2: expected 2 tab-separated fields (sentence, label), got 1',
    );
    expect(() => parseSst2('good\t1\na\ttab\t0\n', 'a.tsv')).toThrow('a.tsv:2: expected 2 tab-separated fields (sentence, label), got 3 (a tab inside the sentence?)');
  });

  it('rejects an empty sentence and an empty file', () => {
    expect(() => parseSst2('\t1\n', 'a.tsv')).toThrow('a.tsv:1:1: expected a sentence, got an empty field');
    expect(() => parseSst2('\n\n', 'a.tsv')).toThrow('a.tsv: no rows');
  });

  it('readSst2 reads a file and names its path in errors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wb-sst2-'));
    const path = join(dir, 'train.tsv');
    writeFileSync(path, 'good\t1\nbad\t0\n');
    expect(readSst2(path).examples).toHaveLength(2);
    writeFileSync(path, 'good\t1\nbad\t-1\n');
    expect(() => readSst2(path)).toThrow(`${path}:2:5: expected a non-negative integer label, got "-1"`);
  });
});

describeShared(['data', 'sst2'], 'the shared SST-2 files', () => {
  it('have 6,920 train and 872 dev sentences with labels 0/1 and no header', () => {
    const train = readSst2(sharedPath('data', 'sst2', 'train.tsv'));
    const dev = readSst2(sharedPath('data', 'sst2', 'dev.tsv'));
    expect(train.examples).toHaveLength(6920);
    expect(dev.examples).toHaveLength(872);
    expect(train.header).toBeNull();
    expect(train.labelNames).toEqual(['0', '1']);
    // Counts from `cut -f2 dev.tsv | sort | uniq -c`: 428 negative, 444 positive.
    expect(dev.examples.filter((e) => e.label === 1)).toHaveLength(444);
  });

  it('train-phrases.tsv: GLUE\'s 67,349 phrase rows, no header, read whole', () => {
    const phrases = readSst2(sharedPath('data', 'sst2', 'train-phrases.tsv'));
    expect(phrases.header).toBeNull();
    expect(phrases.examples).toHaveLength(67349);
    expect(phrases.examples[0]).toEqual({ text: 'hide new secretions from the parental units', label: 0, line: 1 });
    expect(phrases.examples.at(-1)!.line).toBe(67349);
    // Counts from `cut -f2 train-phrases.tsv | sort | uniq -c`.
    expect(phrases.examples.filter((e) => e.label === 1)).toHaveLength(37569);
  });
});
