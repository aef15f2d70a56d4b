import { describe, expect, it } from 'vitest';
import { DataFormatError, parseCsvRecords, parseLabeledCsv } from '../src/index.js';

describe('parseCsvRecords (RFC 4180)', () => {
  it('reads quoted fields with delimiters, doubled quotes and line breaks', () => {
    const text = 'id,text\r\n1,"hello, world"\r\n2,"she said ""hi"""\r\n3,"two\nlines"\n4,\n';
    const records = parseCsvRecords(text, 't.csv');
    expect(records.map((r) => r.fields)).toEqual([
      ['id', 'text'],
      ['1', 'hello, world'],
      ['2', 'she said "hi"'],
      ['3', 'two\nlines'],
      ['4', ''],
    ]);
    // Record 4 starts on line 5 because record 3's quoted field spans lines 4 and 5.
    expect(records.map((r) => r.line)).toEqual([1, 2, 3, 4, 6]);
    expect(records[1].columns).toEqual([1, 3]);
  });

  it('keeps a last field without a final line break, and skips empty lines', () => {
    expect(parseCsvRecords('a,b\n\nc,"d"').map((r) => r.fields)).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
  });

  it('takes another delimiter', () => {
    expect(parseCsvRecords('a;"b;c"\n', 'x', { delimiter: ';' })[0].fields).toEqual(['a', 'b;c']);
  });

  it('reports a never-closed quote where it opened', () => {
    expect(() => parseCsvRecords('a,b\n1,"open\nmore\n', 'bad.csv')).toThrow(
      'bad.csv:2:3: quoted field is never closed (expected a closing `"`)',
    );
  });

  it('reports a stray quote in an unquoted field and text after a closing quote', () => {
    expect(() => parseCsvRecords('a,b\n1,say "x"\n', 'bad.csv')).toThrow('bad.csv:2:7: unexpected `"` inside an unquoted field');
    expect(() => parseCsvRecords('a,b\n1,"x"y\n', 'bad.csv')).toThrow(
      'bad.csv:2:6: expected "," or end of line after a closing quote, got "y"',
    );
  });
});

describe('parseLabeledCsv', () => {
  const tweets = [
    'id,sentiment,text',
    '1,positive,"love it, really"',
    '2,negative,hate it',
    '3,neutral,"it is ""fine"""',
    '4,positive,great',
  ].join('\n');

  it('maps labels to ids through a sorted, reported label list', () => {
    const data = parseLabeledCsv(tweets, 'tweets.csv', { textColumn: 'text', labelColumn: 'sentiment' });
    expect(data.labelNames).toEqual(['negative', 'neutral', 'positive']);
    expect(data.examples).toEqual([
      { text: 'love it, really', label: 2, line: 2 },
      { text: 'hate it', label: 0, line: 3 },
      { text: 'it is "fine"', label: 1, line: 4 },
      { text: 'great', label: 2, line: 5 },
    ]);
  });

  it('gives the same ids whatever order the rows come in', () => {
    const reversed = [tweets.split('\n')[0], ...tweets.split('\n').slice(1).reverse()].join('\n');
    const a = parseLabeledCsv(tweets, 'a', { textColumn: 'text', labelColumn: 'sentiment' });
    const b = parseLabeledCsv(reversed, 'b', { textColumn: 'text', labelColumn: 'sentiment' });
    expect(b.labelNames).toEqual(a.labelNames);
  });

  it('selects columns by index, with or without a header, and honours a given label list', () => {
    const data = parseLabeledCsv('pos,good\nneg,bad\n', 'x.csv', { textColumn: 1, labelColumn: 0, header: false, labels: ['neg', 'pos'] });
    expect(data.header).toBeNull();
    expect(data.examples.map((e) => [e.text, e.label])).toEqual([
      ['good', 1],
      ['bad', 0],
    ]);
  });

  it('rejects an unknown label, naming the allowed ones and the cell', () => {
    expect(() =>
      parseLabeledCsv(tweets, 'tweets.csv', { textColumn: 'text', labelColumn: 'sentiment', labels: ['negative', 'positive'] }),
    ).toThrow('tweets.csv:4:3: unknown label "neutral"; expected one of "negative", "positive"');
  });

  it('rejects a missing column name and rows of the wrong width', () => {
    expect(() => parseLabeledCsv(tweets, 't.csv', { textColumn: 'tweet', labelColumn: 'sentiment' })).toThrow(
      't.csv:1: no text column named "tweet"; header has "id", "sentiment", "text"',
    );
    expect(() => parseLabeledCsv('a,b\n1,2\n3\n', 't.csv', { textColumn: 0, labelColumn: 1 })).toThrow(
      't.csv:3: expected 2 fields like the header, got 1',
    );
    expect(() => parseLabeledCsv('a,b\n1,2\n', 't.csv', { textColumn: 2, labelColumn: 1 })).toThrow(DataFormatError);
  });
});
