/** Word labels on first WordPieces, chunking of long sentences, and decoding back to words and entities. */
import { describe, expect, it } from 'vitest';
import { encodeWordSequences, wordEntities, wordPredictions } from '../src/index.js';
import { tinyTokenizer } from './support/tiny-random-bert.js';

const tokenizer = tinyTokenizer();
const LABELS = ['B-LOC', 'B-PER', 'I-PER', 'O'];
const id = (tag: string) => LABELS.indexOf(tag);
const words = ['Johanson', 'visited', 'Montréal', 'in', '1996-08-22', '.'];
const tags = ['B-PER', 'O', 'B-LOC', 'O', 'O', 'O'];

describe('encodeWordSequences', () => {
  it('puts each word\'s label on its first WordPiece and -100 on the others and on [CLS]/[SEP]', () => {
    const [chunk, ...rest] = encodeWordSequences(tokenizer, [{ words, labels: tags.map(id) }], 64);
    expect(rest).toEqual([]);
    // johan ##son | visited | mont ##real | in | 1996 - 08 - 22 | .
    expect(chunk.ids.map((i) => tokenizer.idToToken(i))).toEqual([
      '[CLS]', 'johan', '##son', 'visited', 'mont', '##real', 'in', '1996', '-', '08', '-', '22', '.', '[SEP]',
    ]);
    expect(Array.from(chunk.labels!)).toEqual([
      -100, id('B-PER'), -100, id('O'), id('B-LOC'), -100, id('O'), id('O'), -100, -100, -100, -100, id('O'), -100,
    ]);
    expect(chunk.wordStarts).toEqual([1, 3, 4, 6, 7, 12]);
    expect(chunk.typeIds.every((t) => t === 0)).toBe(true);
  });

  it('cuts a sentence too long for the model into chunks of whole words, losing no word', () => {
    // Budget 6 - 2 = 4 pieces per chunk: [johan ##son visited] [mont ##real in] [1996 - 08 - 22] [.]
    const chunks = encodeWordSequences(tokenizer, [{ words, labels: tags.map(id) }, { words: ['paris'], labels: [id('B-LOC')] }], 6);
    expect(chunks.map((c) => [c.sentence, c.firstWord, c.ids.length])).toEqual([
      [0, 0, 5],
      [0, 2, 5],
      [0, 4, 6],
      [0, 5, 3],
      [1, 0, 3],
    ]);
    expect(chunks.every((c) => c.ids[0] === tokenizer.clsTokenId && c.ids.at(-1) === tokenizer.sepTokenId)).toBe(true);
    // Reading each word's label back from its first piece gives the sentence's tags again.
    const predicted = chunks.map((c) => Array.from(c.labels!, (l) => (l < 0 ? id('I-PER') : l)));
    const back = wordPredictions(chunks, predicted, [words.length, 1], id('O'));
    expect(back.map((row) => row.map((i) => LABELS[i]))).toEqual([tags, ['B-LOC']]);
  });

  it('predicts without labels, and gives pieceless words the fallback', () => {
    const chunks = encodeWordSequences(tokenizer, [{ words: ['paris', '\u0000', 'berlin'] }], 64);
    expect(chunks[0].labels).toBeUndefined();
    expect(chunks[0].wordStarts).toEqual([1, -1, 2]);
    const back = wordPredictions(chunks, [[9, 0, 1, 9]], [3], 3);
    expect(back).toEqual([[0, 3, 1]]);
  });
});

describe('wordEntities', () => {
  it('decodes IOB2 and IOB1 tags to word spans', () => {
    expect(wordEntities(words, tags)).toEqual([
      { type: 'PER', start: 0, end: 0, text: 'Johanson' },
      { type: 'LOC', start: 2, end: 2, text: 'Montréal' },
    ]);
    // IOB1: I- starts an entity; B- only separates two adjacent entities of one type.
    const iob1 = wordEntities(['Anna', 'Smith', 'met', 'Paris', 'Berlin'], ['I-PER', 'I-PER', 'O', 'I-LOC', 'B-LOC']);
    expect(iob1).toEqual([
      { type: 'PER', start: 0, end: 1, text: 'Anna Smith' },
      { type: 'LOC', start: 3, end: 3, text: 'Paris' },
      { type: 'LOC', start: 4, end: 4, text: 'Berlin' },
    ]);
  });
});
