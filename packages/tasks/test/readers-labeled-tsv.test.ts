/** Tab-separated classification data with one or two text columns (sst2 with chosen columns, pair). */
import { describe, expect, it } from 'vitest';
import { parseLabeledTsv } from '../src/index.js';

describe('parseLabeledTsv', () => {
  it('reads headerless pairs: text, text, label; integer labels are their own ids', () => {
    const data = parseLabeledTsv('a cat\ta dog\t1\r\nsun\tmoon\t0\n', 'p.tsv', { texts: 2 });
    expect(data.header).toBeNull();
    expect(data.labelNames).toEqual(['0', '1']);
    expect(data.examples).toEqual([
      { texts: ['a cat', 'a dog'], label: 1, line: 1 },
      { texts: ['sun', 'moon'], label: 0, line: 2 },
    ]);
  });

  it('finds GLUE columns by name and sorts named labels', () => {
    const text = 'index\tsentence1\tsentence2\tlabel\n0\tA man sleeps.\tA man rests.\tentailment\n1\tIt rains.\tIt is dry.\tnot_entailment\n';
    const data = parseLabeledTsv(text, 'rte.tsv', { texts: 2 });
    expect(data.textColumns).toEqual([1, 2]);
    expect(data.labelColumn).toBe(3);
    expect(data.labelNames).toEqual(['entailment', 'not_entailment']);
    expect(data.examples[1]).toEqual({ texts: ['It rains.', 'It is dry.'], label: 1, line: 3 });
  });

  it('takes chosen columns by name or index (as strings from the command line)', () => {
    const text = 'Quality\t#1 String\t#2 String\n1\tHe said so.\tHe stated it.\n0\tYes.\tNo.\n';
    const data = parseLabeledTsv(text, 'mrpc.tsv', { textColumns: ['#1 String', '#2 String'], labelColumn: 'Quality' });
    expect(data.examples[0]).toEqual({ texts: ['He said so.', 'He stated it.'], label: 1, line: 2 });
    const single = parseLabeledTsv('7\tfine film\tpos\n8\tdull\tneg\n', 'x.tsv', { textColumns: ['1'], labelColumn: '2' });
    expect(single.header).toBeNull();
    expect(single.examples.map((e) => [e.texts[0], single.labelNames[e.label]])).toEqual([
      ['fine film', 'pos'],
      ['dull', 'neg'],
    ]);
  });

  it('errors name the file and line', () => {
    expect(() => parseLabeledTsv('a\tb\t1\na\t1\n', 'p.tsv', { texts: 2 })).toThrow(/^p\.tsv:2: expected 3 tab-separated fields like line 1, got 2/);
    expect(() => parseLabeledTsv('a\t\t1\n', 'p.tsv', { texts: 2 })).toThrow(/^p\.tsv:1:3: expected a text in column 2/);
    expect(() => parseLabeledTsv('s\tlabel\nx\tfoo\n', 'p.tsv', { labels: ['bar'] })).toThrow(/^p\.tsv:2: unknown label "foo"; expected one of bar/);
    expect(() => parseLabeledTsv('sentence\tlabel\nx\t1\n', 'p.tsv', { textColumns: ['text'] })).toThrow(/no text column named "text"; the header has "sentence", "label"/);
  });
});
