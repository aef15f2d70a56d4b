import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeShared, sharedPath } from '../../../test/support/shared.js';
import { parsePlainText } from '../src/index.js';
import { readPlainText, readTextFile } from '../src/node.js';

describe('parsePlainText', () => {
  it('splits documents at blank lines, sentences at line breaks', () => {
    const text = 'First doc, one.\r\nFirst doc, two.\n\n  \n\nSecond doc.\n';
    expect(parsePlainText(text)).toEqual([['First doc, one.', 'First doc, two.'], ['Second doc.']]);
    expect(parsePlainText('\n\n')).toEqual([]);
  });

  it('rejects a NUL character as a sign of binary or UTF-16 input', () => {
    expect(() => parsePlainText('ok\nb\0ad\n', 'c.txt')).toThrow('c.txt:2:2: expected text, found a NUL character');
  });
});

describe('readTextFile', () => {
  it('reports the line of the first byte that is not UTF-8', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wb-text-'));
    const path = join(dir, 'latin1.txt');
    // "café" in Latin-1 on line 2: é is the lone byte 0xe9, the 4th byte of the line.
    writeFileSync(path, Buffer.concat([Buffer.from('fine\ncaf'), Buffer.from([0xe9]), Buffer.from('\n')]));
    expect(() => readTextFile(path)).toThrow(`${path}:2: expected UTF-8 text, found byte 0xe9 (byte 4 of the line)`);
    writeFileSync(path, 'café\n\nnext document\n');
    expect(readPlainText(path)).toEqual([['café'], ['next document']]);
  });
});

describeShared(['data', 'corpora', 'open', 'inaugural.txt'], 'the shared inaugural addresses', () => {
  it('read as 59 documents (addresses) of 5,129 sentences', () => {
    // Counted independently: awk over non-blank lines, a new document after each blank run.
    const documents = readPlainText(sharedPath('data', 'corpora', 'open', 'inaugural.txt'));
    expect(documents).toHaveLength(59);
    expect(documents.reduce((n, doc) => n + doc.length, 0)).toBe(5129);
  });
});
