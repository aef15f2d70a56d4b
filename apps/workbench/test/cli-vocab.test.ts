/** `wb vocab` end to end: the built CLI as a child process on a corpus written to a temp folder. */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BertTokenizer } from '@wb/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { wbRun } from './support/cli.js';

const CORPUS = [
  'The fisherman sat on the bank of the river.',
  'I went to the bank to deposit my paycheck.',
  '',
  'Bats fly at night; the batter swung the bat.',
  'The bank raised its rates, and the river rose.',
].join('\n');

describe('wb vocab', () => {
  let dir: string;
  let corpus: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'wb-cli-vocab-'));
    corpus = join(dir, 'corpus');
    mkdirSync(corpus);
    writeFileSync(join(corpus, 'a.txt'), CORPUS + '\n');
  });

  it('writes vocab.txt: specials first, the requested size, stdout clean, a summary on stderr', async () => {
    const out = join(dir, 'out', 'vocab.txt');
    const args = ['vocab', '--corpus', corpus, '--size', '70', '--out', out, '--min-frequency', '1'];
    const result = await wbRun(args);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/42 words \(28 unique\) in 1 file/);
    expect(result.stderr).toMatch(/vocab 70 tokens/);
    const text = readFileSync(out, 'utf8');
    const tokens = text.trimEnd().split('\n');
    expect(tokens).toHaveLength(70);
    expect(tokens.slice(0, 5)).toEqual(['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']);

    const tokenizer = BertTokenizer.fromVocab(text);
    expect(tokenizer.encode('The bank of the river.', { addSpecialTokens: false }).tokens).not.toContain('[UNK]');

    // Training again gives the same file.
    expect((await wbRun(args)).code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(text);
  });

  it('--extend keeps a vocabulary as it is and appends the trained tokens it lacks, up to --size', async () => {
    const base = join(dir, 'base.txt');
    expect((await wbRun(['vocab', '--corpus', corpus, '--size', '60', '--out', base, '--min-frequency', '1'])).code).toBe(0);
    const trained = join(dir, 'trained.txt');
    expect((await wbRun(['vocab', '--corpus', corpus, '--size', '80', '--out', trained, '--min-frequency', '1'])).code).toBe(0);
    const out = join(dir, 'extended.txt');
    const result = await wbRun(['vocab', '--corpus', corpus, '--size', '70', '--out', out, '--min-frequency', '1', '--extend', base]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(`kept the 60 tokens of ${base} and appended 10 of the trained ones it lacks`);
    const lines = (path: string) => readFileSync(path, 'utf8').trimEnd().split('\n');
    const tokens = lines(out);
    expect(tokens.slice(0, 60)).toEqual(lines(base));
    // The --size 70 vocabulary's tokens that the base lacks, in its order (a larger training run's first ones agree).
    const fresh = lines(trained).slice(0, 70).filter((t) => !lines(base).includes(t));
    expect(tokens.slice(60)).toEqual(fresh.slice(0, 10));
    const smaller = await wbRun(['vocab', '--corpus', corpus, '--size', '50', '--out', join(dir, 'smaller.txt'), '--min-frequency', '1', '--extend', base]);
    expect(smaller.code).not.toBe(0);
    expect(smaller.stderr).toContain(`--size 50 is smaller than the 60 tokens of --extend ${base}`);
  });

  it('says when --min-frequency stops training below --size', async () => {
    const out = join(dir, 'rare.txt');
    const result = await wbRun(['vocab', '--corpus', corpus, '--size', '5000', '--out', out]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/stopped below --size 5000: no pair left that occurs at least --min-frequency 2 times/);
    expect(readFileSync(out, 'utf8').trimEnd().split('\n').length).toBeLessThan(5000);
  });

  it('names the path of a bad --corpus or --out', async () => {
    const missing = join(dir, 'nope');
    const notFound = await wbRun(['vocab', '--corpus', missing, '--size', '100', '--out', join(dir, 'x.txt')]);
    expect(notFound.code).toBe(1);
    expect(notFound.stderr).toContain(missing);
    expect(notFound.stderr).toMatch(/not found/);

    const empty = join(dir, 'empty');
    mkdirSync(empty);
    writeFileSync(join(empty, 'readme.md'), 'not a corpus file\n');
    const noText = await wbRun(['vocab', '--corpus', empty, '--size', '100', '--out', join(dir, 'x.txt')]);
    expect(noText.code).toBe(1);
    expect(noText.stderr).toContain(`${empty}: no .txt files`);

    const intoFolder = await wbRun(['vocab', '--corpus', corpus, '--size', '100', '--out', dir]);
    expect(intoFolder.code).toBe(1);
    expect(intoFolder.stderr).toContain(`--out ${dir} is a folder`);

    const tooSmall = await wbRun(['vocab', '--corpus', corpus, '--size', '10', '--out', join(dir, 'x.txt')]);
    expect(tooSmall.code).toBe(1);
    expect(tooSmall.stderr).toMatch(/a vocabulary of 10 tokens is smaller than the initial one/);
  });
});
