/**
 * The texts and the reference tokenizers for comparing BertTokenizer with tokenizers.js
 * (`@huggingface/tokenizers`, Hugging Face's JS port) on every line of the shared corpora.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { Tokenizer } from '@huggingface/tokenizers';
import { expect } from 'vitest';
import { sharedPath } from '../../../../test/support/shared.js';
import { BertTokenizer } from '../../src/tokenize/index.js';

export interface SourcedText {
  /** "corpora/open/masc.txt:120" */
  where: string;
  text: string;
}

/** Every line of every corpora/open file, every SST-2 sentence, both WiC sentences of each pair. */
export function corpusTexts(): SourcedText[] {
  const texts: SourcedText[] = [];
  const lines = (parts: string[]) => readFileSync(sharedPath('data', ...parts), 'utf8').split('\n');
  const open = sharedPath('data', 'corpora', 'open');
  for (const file of readdirSync(open).sort()) {
    const content = lines(['corpora', 'open', file]);
    if (content.at(-1) === '') content.pop();
    content.forEach((text, i) => texts.push({ where: `corpora/open/${file}:${i + 1}`, text }));
  }
  for (const file of ['train.tsv', 'dev.tsv']) {
    lines(['sst2', file]).forEach((line, i) => {
      if (line) texts.push({ where: `sst2/${file}:${i + 1}`, text: line.split('\t')[0] });
    });
  }
  for (const [where, pair] of wicPairs()) texts.push({ where, text: pair[0] }, { where, text: pair[1] });
  return texts;
}

/** The two sentences of each WiC example (columns 4 and 5). */
export function wicPairs(): Array<[string, [string, string]]> {
  const pairs: Array<[string, [string, string]]> = [];
  for (const file of ['train.data.txt', 'dev.data.txt']) {
    readFileSync(sharedPath('data', 'wic', file), 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (!line) return;
        const columns = line.split('\t');
        pairs.push([`wic/${file}:${i + 1}`, [columns[3], columns[4]]]);
      });
  }
  return pairs;
}

export function uncasedTokenizerJson(): object {
  return JSON.parse(readFileSync(sharedPath('data', 'vocab', 'bert-base-uncased', 'tokenizer.json'), 'utf8'));
}

/**
 * bert-base-chinese ships only vocab.txt: this is the tokenizer.json HF's converter writes for
 * it (BertNormalizer with lowercase, BertPreTokenizer, WordPiece, BERT's template), so that
 * tokenizers.js can run it. Ids are line numbers; a token listed twice keeps its last line.
 */
export function chineseTokenizerJson(): object {
  const lines = readFileSync(sharedPath('data', 'vocab', 'bert-base-chinese', 'vocab.txt'), 'utf8').split('\n');
  if (lines.at(-1) === '') lines.pop();
  const vocab: Record<string, number> = {};
  lines.forEach((token, id) => (vocab[token] = id));
  const special = (content: string) => ({
    id: vocab[content],
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  });
  const token = (id: string, type_id: number) => ({ SpecialToken: { id, type_id } });
  const sequence = (id: 'A' | 'B', type_id: number) => ({ Sequence: { id, type_id } });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'].map(special),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [token('[CLS]', 0), sequence('A', 0), token('[SEP]', 0)],
      pair: [token('[CLS]', 0), sequence('A', 0), token('[SEP]', 0), sequence('B', 1), token('[SEP]', 1)],
      special_tokens: {
        '[CLS]': { id: '[CLS]', ids: [vocab['[CLS]']], tokens: ['[CLS]'] },
        '[SEP]': { id: '[SEP]', ids: [vocab['[SEP]']], tokens: ['[SEP]'] },
      },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab },
  };
}

const SHOW = 5;

/**
 * Encodes every text with both tokenizers and expects identical ids (no tolerance). tokenizers.js
 * has no offsets, so each of our tokens is checked against it another way: its normalized slice
 * of the original text (tokenizers.js's own normalizer) must spell the token.
 */
export function expectSameAsOracle(name: string, json: object, texts: SourcedText[]): void {
  const ours = BertTokenizer.fromTokenizerJson(json);
  const oracle = new Tokenizer(json, {});
  const normalizer = oracle.normalizer!;
  const unk = ours.unkTokenId;

  let t0 = performance.now();
  const encodings = texts.map(({ text }) => ours.encode(text));
  const oursMs = performance.now() - t0;
  t0 = performance.now();
  const expected = texts.map(({ text }) => oracle.encode(text).ids);
  const oracleMs = performance.now() - t0;

  const idMismatches: string[] = [];
  const offsetMismatches: string[] = [];
  const decodeMismatches: string[] = [];
  let tokens = 0;
  texts.forEach(({ where, text }, i) => {
    const e = encodings[i];
    tokens += e.ids.length;
    if (!sameArray(e.ids, expected[i])) {
      idMismatches.push(`${where} ${JSON.stringify(text)}\n  ours   ${e.tokens.join(' ')}\n  oracle ${expected[i].map((id: number) => oracle.id_to_token(id)).join(' ')}`);
      return;
    }
    for (let p = 0; p < e.ids.length; p++) {
      const word = e.wordIds[p];
      if (word === null) continue;
      const [start, end] = e.offsets[p];
      const slice = text.slice(start, end);
      const token = e.tokens[p];
      const ok = ours.isSpecialId(e.ids[p]) && e.ids[p] !== unk
        ? slice === token
        : e.ids[p] === unk
          ? slice.length > 0 && !/\s/.test(normalizer.normalize(slice).trim())
          : normalizer.normalize(slice).trim() === token.replace(/^##/, '');
      const ordered = p === 1 || (e.wordIds[p - 1] ?? -1) <= word;
      if (!ok || !ordered) {
        offsetMismatches.push(`${where} token ${p} ${token} at [${start}, ${end}) = ${JSON.stringify(slice)} in ${JSON.stringify(text)}`);
        break;
      }
    }
    if (i % 7 === 0 && ours.decode(e.ids) !== oracle.decode(e.ids)) {
      decodeMismatches.push(`${where} ours ${JSON.stringify(ours.decode(e.ids))} oracle ${JSON.stringify(oracle.decode(e.ids))}`);
    }
  });
  console.log(
    `${name}: ${texts.length} texts, ${tokens} tokens; BertTokenizer ${(oursMs / 1000).toFixed(1)} s, tokenizers.js ${(oracleMs / 1000).toFixed(1)} s`,
  );
  expect(idMismatches.length, `${idMismatches.length} texts with other ids, e.g.\n${idMismatches.slice(0, SHOW).join('\n')}`).toBe(0);
  expect(offsetMismatches.length, `${offsetMismatches.length} texts with a bad offset, e.g.\n${offsetMismatches.slice(0, SHOW).join('\n')}`).toBe(0);
  expect(decodeMismatches.length, `decode differs, e.g.\n${decodeMismatches.slice(0, SHOW).join('\n')}`).toBe(0);
}

/** WiC sentence pairs: ids and token type ids as tokenizers.js encodes the pair. */
export function expectSamePairsAsOracle(json: object): number {
  const ours = BertTokenizer.fromTokenizerJson(json);
  const oracle = new Tokenizer(json, {});
  const mismatches: string[] = [];
  const pairs = wicPairs();
  for (const [where, [a, b]] of pairs) {
    const e = ours.encode(a, b);
    const o = oracle.encode(a, { text_pair: b, return_token_type_ids: true });
    if (!sameArray(e.ids, o.ids) || !sameArray(e.tokenTypeIds, o.token_type_ids)) mismatches.push(`${where} ${a} ||| ${b}`);
  }
  expect(mismatches.length, mismatches.slice(0, SHOW).join('\n')).toBe(0);
  return pairs.length;
}

function sameArray(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
