/**
 * A BertTokenizer written as a Hugging Face `tokenizer.json` (BertNormalizer, BertPreTokenizer,
 * WordPiece, the [CLS] A [SEP] B [SEP] template): what Transformers.js and `tokenizers` load, for
 * folders that only have a vocab.txt. `BertTokenizer.fromTokenizerJson` reads it back to the same
 * tokenizer.
 */
import type { BertTokenizer } from './bert-tokenizer.js';

export function bertTokenizerJson(tokenizer: BertTokenizer): Record<string, unknown> {
  // A token listed twice in vocab.txt keeps the id the tokenizer gives it (its last line).
  // A Map, not an object: "constructor" and "__proto__" are tokens too.
  const vocab = new Map<string, number>();
  for (let id = 0; id < tokenizer.vocabSize; id++) {
    const token = tokenizer.idToToken(id);
    if (!vocab.has(token)) vocab.set(token, tokenizer.tokenToId(token) ?? id);
  }
  const { normalizer, wordpiece, clsToken, sepToken } = tokenizer;
  const special = (content: string, typeId: number) => ({ SpecialToken: { id: content, type_id: typeId } });
  const sequence = (id: 'A' | 'B', typeId: number) => ({ Sequence: { id, type_id: typeId } });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: tokenizer.addedTokens.map((t) => ({
      id: t.id,
      content: t.content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: t.normalized,
      special: t.special,
    })),
    normalizer: {
      type: 'BertNormalizer',
      clean_text: normalizer.cleanText,
      handle_chinese_chars: normalizer.handleChineseChars,
      strip_accents: normalizer.stripAccents,
      lowercase: normalizer.lowercase,
    },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [special(clsToken, 0), sequence('A', 0), special(sepToken, 0)],
      pair: [special(clsToken, 0), sequence('A', 0), special(sepToken, 0), sequence('B', 1), special(sepToken, 1)],
      special_tokens: Object.fromEntries(
        [clsToken, sepToken].map((content) => [content, { id: content, ids: [tokenizer.tokenToId(content)], tokens: [content] }]),
      ),
    },
    decoder: { type: 'WordPiece', prefix: wordpiece.continuingSubwordPrefix, cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: wordpiece.unkToken,
      continuing_subword_prefix: wordpiece.continuingSubwordPrefix,
      max_input_chars_per_word: wordpiece.maxInputCharsPerWord,
      vocab: Object.fromEntries(vocab),
    },
  };
}
