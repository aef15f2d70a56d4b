/**
 * Texts and tokenizer.json files for comparing the workbench's tokenizers with tokenizers.js
 * (`@huggingface/tokenizers`, Hugging Face's JS port) beyond BERT: byte-level BPE (GPT-2, RoBERTa)
 * as Hugging Face's converters write it, and SentencePiece-style Unigram.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { Rng } from '../../src/train/rng.js';
import { sharedPath } from '../../../../test/support/shared.js';

/** Texts chosen to break tokenizers: whitespace runs, emoji, accents, digits, CJK, contractions, special tokens. */
export const VARIED_TEXTS = [
  'Hello world',
  ' Hello  world ',
  'Hello\tworld\n\nagain   and    again',
  '   leading spaces and trailing   ',
  "I can't, won't, shouldn't've; it's John's and we'll see what you'd do. I'M SHOUTING",
  'Naïve café résumé — déjà vu, Ångström, São Paulo, Zürich, ñandú',
  'e\u0301 (e + combining acute) and é (precomposed) and ﬁ ligature and Ｆｕｌｌｗｉｄｔｈ',
  'Numbers: 3.14159, 1,000,000, 2024-05-17, 0x1F, 007, ½ and ²',
  'Emoji 😀🎉 and flags 🇫🇷🇯🇵, family 👨‍👩‍👧, skin 👍🏽, heart ❤️',
  '中文字符和日本語のテキスト、한국어 텍스트도 있습니다。',
  'Mixed中文English混合text',
  'Symbols: @#$%^&*()_+-=[]{}|;:\'",.<>/?`~ and →, ≠, ∑, €, £, ¥',
  'Ελληνικά και Русский текст, العربية, עברית, हिन्दी',
  'tabs\tand\r\nwindows line endings\u00a0non-breaking\u2003em space\u3000ideographic',
  'URLs like https://example.com/path?q=1&x=y#frag and emails a.b@c.org',
  "    ",
  '',
  'a',
  '!!!???...',
  'The <|endoftext|> token, <s> and </s> and <mask> and <pad> written out',
  'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
  'supercalifragilisticexpialidocious antidisestablishmentarianism',
  'Control\u0000chars\u0007and\u001bescapes\u200band zero\u200dwidth',
];

/** The first `perFile` lines of every corpora/open file and of SST-2's dev set. */
export function corpusSample(perFile: number): string[] {
  const texts: string[] = [];
  const open = sharedPath('data', 'corpora', 'open');
  for (const file of readdirSync(open).sort()) {
    texts.push(...readFileSync(`${open}/${file}`, 'utf8').split('\n').filter((l) => l.trim()).slice(0, perFile));
  }
  texts.push(...readFileSync(sharedPath('data', 'sst2', 'dev.tsv'), 'utf8').split('\n').filter(Boolean).slice(0, perFile).map((l) => l.split('\t')[0]));
  return texts;
}

function addedToken(id: number, content: string, options: { lstrip?: boolean; normalized?: boolean } = {}) {
  return { id, content, single_word: false, lstrip: options.lstrip ?? false, rstrip: false, normalized: options.normalized ?? false, special: true };
}

/** GPT-2's tokenizer.json as Hugging Face's GPT2Converter writes it, from vocab.json and merges.txt. */
export function gpt2TokenizerJson(vocab: Record<string, number>, mergesText: string): object {
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [addedToken(vocab['<|endoftext|>'], '<|endoftext|>', { normalized: true })],
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    post_processor: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: false, use_regex: true },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: bpeModel(vocab, mergesText),
  };
}

/** RoBERTa's, as RobertaConverter writes it (`<mask>` taking the space before it). */
export function robertaTokenizerJson(vocab: Record<string, number>, mergesText: string): object {
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [
      addedToken(vocab['<s>'], '<s>', { normalized: true }),
      addedToken(vocab['<pad>'], '<pad>', { normalized: true }),
      addedToken(vocab['</s>'], '</s>', { normalized: true }),
      addedToken(vocab['<unk>'], '<unk>', { normalized: true }),
      addedToken(vocab['<mask>'], '<mask>', { lstrip: true }),
    ],
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    post_processor: { type: 'RobertaProcessing', sep: ['</s>', vocab['</s>']], cls: ['<s>', vocab['<s>']], trim_offsets: true, add_prefix_space: false },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: bpeModel(vocab, mergesText),
  };
}

function bpeModel(vocab: Record<string, number>, mergesText: string) {
  const merges = mergesText.split('\n').filter((l, i) => l && !(i === 0 && l.startsWith('#version')));
  return { type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: '', end_of_word_suffix: '', fuse_unk: false, byte_fallback: false, vocab, merges };
}

/**
 * A SentencePiece-style Unigram tokenizer.json (ALBERT's layout: normalizers ending in
 * Precompiled, Metaspace, `[CLS] A [SEP]`), its vocabulary every character of `texts` plus the
 * frequent substrings of their words, with seeded random log-probabilities.
 */
export function unigramTokenizerJson(texts: string[], seed = 1): object {
  const rng = new Rng(seed);
  const normalize = (t: string) => t.replaceAll('``', '"').replaceAll("''", '"').normalize('NFKD').replace(/\p{Mn}/gu, '').toLowerCase();
  const counts = new Map<string, number>();
  const chars = new Set<string>();
  for (const text of texts) {
    const normalized = normalize(text).normalize('NFKC');
    for (const ch of normalized) chars.add(ch);
    for (const word of normalized.split(/\s+/).filter(Boolean)) {
      const w = `\u2581${word}`;
      const cps = Array.from(w);
      for (let i = 0; i < cps.length; i++) {
        for (let j = i + 2; j <= Math.min(cps.length, i + 8); j++) {
          const piece = cps.slice(i, j).join('');
          counts.set(piece, (counts.get(piece) ?? 0) + 1);
        }
      }
    }
  }
  const frequent = [...counts].filter(([, n]) => n >= 3).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 4000).map(([p]) => p);
  const pieces = ['<pad>', '<unk>', '[CLS]', '[SEP]', '[MASK]', '\u2581', ...[...chars].sort(), ...frequent];
  const unique = [...new Set(pieces)];
  const vocab = unique.map((p, i) => [p, i < 5 ? 0 : -(1 + rng.next() * 12) - 0.25 * Array.from(p).length] as [string, number]);
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: ['<pad>', '<unk>', '[CLS]', '[SEP]', '[MASK]'].map((t, i) => addedToken(i, t)),
    normalizer: {
      type: 'Sequence',
      normalizers: [
        { type: 'Replace', pattern: { String: '``' }, content: '"' },
        { type: 'Replace', pattern: { String: "''" }, content: '"' },
        { type: 'NFKD' },
        { type: 'StripAccents' },
        { type: 'Lowercase' },
        { type: 'Precompiled', precompiled_charsmap: '' },
      ],
    },
    pre_tokenizer: { type: 'Metaspace', replacement: '\u2581', prepend_scheme: 'always', split: true },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }],
      pair: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } },
        { SpecialToken: { id: '[SEP]', type_id: 1 } },
      ],
      special_tokens: { '[CLS]': { id: '[CLS]', ids: [2], tokens: ['[CLS]'] }, '[SEP]': { id: '[SEP]', ids: [3], tokens: ['[SEP]'] } },
    },
    decoder: { type: 'Metaspace', replacement: '\u2581', prepend_scheme: 'always', split: true },
    model: { type: 'Unigram', unk_id: 1, vocab, byte_fallback: false },
  };
}
