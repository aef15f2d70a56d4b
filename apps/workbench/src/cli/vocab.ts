/** `wb vocab`: train a WordPiece vocabulary (vocab.txt) or a byte-level BPE (vocab.json + merges.txt) on a folder of .txt files. */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { corpusFiles, countCorpusByteLevelWords, countCorpusWords, extendVocabulary, mergesText, trainByteLevelBpe, trainWordPiece, vocabLines, writeFileAtomic } from '@wb/core/node';

export interface VocabOptions {
  corpus: string;
  size: number;
  out: string;
  /** Default wordpiece. */
  type?: 'wordpiece' | 'bpe';
  minFrequency: number;
  limitAlphabet: number;
  /** wordpiece: a vocab.txt to keep as it is (ids unchanged) and append the trained vocabulary's other tokens to. */
  extend?: string;
}

export function vocab(opts: VocabOptions): void {
  if (opts.type === 'bpe') return byteLevelBpe(opts);
  const started = performance.now();
  // Checked before the (possibly long) counting, so a typo in --out does not cost a training run.
  if (existsSync(opts.out) && statSync(opts.out).isDirectory()) {
    throw new Error(`--out ${opts.out} is a folder; give the vocabulary file's path (e.g. ${resolve(opts.out, 'vocab.txt')})`);
  }
  const base = opts.extend ? vocabLines(readFileSync(opts.extend, 'utf8')) : undefined;
  if (base && opts.size < base.length) throw new Error(`--size ${opts.size} is smaller than the ${base.length} tokens of --extend ${opts.extend}`);
  const files = corpusFiles(opts.corpus);
  const counter = countCorpusWords(opts.corpus);
  if (counter.total === 0) throw new Error(`corpus folder ${opts.corpus} has no words in its ${files.length} .txt file(s)`);
  const counted = performance.now();
  const result = trainWordPiece(counter.counts, {
    vocabSize: opts.size,
    minFrequency: opts.minFrequency,
    limitAlphabet: opts.limitAlphabet,
  });
  const tokens = base ? extendVocabulary(base, result.vocab, opts.size) : result.vocab;
  writeFileAtomic(opts.out, tokens.join('\n') + '\n');
  const seconds = (ms: number) => (ms / 1000).toFixed(2);
  const done = performance.now();
  const lines = [
    `wb vocab: ${counter.total} words (${counter.counts.size} unique) in ${files.length} file(s), counted in ${seconds(counted - started)} s`,
    `wb vocab: alphabet ${result.alphabetSize} characters, ${result.merges} merges, vocab ${result.vocab.length} tokens, trained in ${seconds(done - counted)} s`,
  ];
  if (result.stoppedBy === 'minFrequency') {
    lines.push(`wb vocab: stopped below --size ${opts.size}: no pair left that occurs at least --min-frequency ${opts.minFrequency} times`);
  }
  if (base) lines.push(`wb vocab: kept the ${base.length} tokens of ${opts.extend} and appended ${tokens.length - base.length} of the trained ones it lacks`);
  lines.push(`wb vocab: wrote ${opts.out} in ${seconds(done - started)} s`);
  process.stderr.write(lines.join('\n') + '\n');
}

/** `wb vocab --type bpe`: vocab.json and merges.txt in the --out folder. */
function byteLevelBpe(opts: VocabOptions): void {
  const started = performance.now();
  if (existsSync(opts.out) && !statSync(opts.out).isDirectory()) {
    throw new Error(`--out ${opts.out} is a file; a byte-level BPE is two files (vocab.json, merges.txt): give a folder`);
  }
  const files = corpusFiles(opts.corpus);
  const counter = countCorpusByteLevelWords(opts.corpus);
  if (counter.total === 0) throw new Error(`corpus folder ${opts.corpus} has no words in its ${files.length} .txt file(s)`);
  const counted = performance.now();
  const result = trainByteLevelBpe(counter.counts, { vocabSize: opts.size, minFrequency: opts.minFrequency });
  writeFileAtomic(join(opts.out, 'vocab.json'), JSON.stringify(result.vocab) + '\n');
  writeFileAtomic(join(opts.out, 'merges.txt'), mergesText(result.merges));
  const seconds = (ms: number) => (ms / 1000).toFixed(2);
  const lines = [
    `wb vocab: ${counter.total} words (${counter.counts.size} unique) in ${files.length} file(s), counted in ${seconds(counted - started)} s`,
    `wb vocab: 256 bytes, ${result.merges.length} merges, vocab ${Object.keys(result.vocab).length} tokens, trained in ${seconds(performance.now() - counted)} s`,
  ];
  if (result.stoppedBy === 'minFrequency') lines.push(`wb vocab: stopped below --size ${opts.size}: no pair left that occurs at least --min-frequency ${opts.minFrequency} times`);
  lines.push(`wb vocab: wrote ${join(opts.out, 'vocab.json')} and merges.txt`);
  process.stderr.write(lines.join('\n') + '\n');
}
