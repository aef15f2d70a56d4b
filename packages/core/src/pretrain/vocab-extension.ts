/**
 * Growing a trained BERT's vocabulary: the old tokens keep their ids, new ones are appended, and each
 * new token's embedding starts as the mean of the old embeddings of the pieces the old vocabulary
 * split it into (so "bread", once `bre ##ad`, starts where its pieces were), as Hugging Face's
 * `add_tokens` + `resize_token_embeddings` do with a better start than random rows.
 *
 * Why: a [MASK] is filled with one token, so a word the vocabulary splits can never be an answer.
 * bert-mini's 8,000 WordPieces split *bread*, *tail*, *italy*, *coat*, *guitar* and *sleeping*; three of
 * the 30 sentences of our cloze set have no acceptable answer that is one of its tokens. A WordPiece of
 * 12,000 trained on the same corpus leaves none without one.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BertConfig, BertWeights } from '../models/bert.js';
import type { BertTokenizer } from '../tokenize/bert-tokenizer.js';

/**
 * `base` in its order, then the tokens of `trained` (a vocabulary trained on the corpus at the size
 * wanted) that `base` lacks, in `trained`'s order, until `size` tokens.
 */
export function extendVocabulary(base: readonly string[], trained: readonly string[], size: number): string[] {
  if (size < base.length) throw new Error(`--size ${size} is smaller than the base vocabulary's ${base.length} tokens`);
  const known = new Set(base);
  const added = trained.filter((token) => !known.has(token)).slice(0, size - base.length);
  return [...base, ...added];
}

/** The tokens of `vocab` past the checkpoint's own, or an error saying where the two part. */
export function tokensAddedTo(checkpointVocab: readonly string[], vocab: readonly string[]): string[] {
  const differs = checkpointVocab.findIndex((token, id) => vocab[id] !== token);
  if (differs >= 0) {
    const got = vocab[differs] === undefined ? 'ends there' : `has "${vocab[differs]}"`;
    throw new Error(`line ${differs + 1}: the checkpoint's vocab.txt has "${checkpointVocab[differs]}", this vocabulary ${got}; an extended vocabulary starts with the checkpoint's tokens in their order`);
  }
  return vocab.slice(checkpointVocab.length);
}

/**
 * The checkpoint's weights with `added` tokens appended: word-embedding rows (and the masked-LM bias)
 * the mean of those of the pieces `tokenizer` (the checkpoint's) splits each token into. A `##` token
 * is split as the word it continues; a token with no pieces (all unknown) starts at the mean row.
 * The old embedding and bias tensors are disposed: the returned weights replace them.
 */
export function extendBertWeights(weights: BertWeights, config: BertConfig, tokenizer: BertTokenizer, added: readonly string[]): { weights: BertWeights; config: BertConfig } {
  const embeddingName = 'embeddings.word_embeddings.weight';
  const biasName = 'cls.predictions.bias';
  const untied = 'cls.predictions.decoder.weight';
  if (weights[untied]) throw new Error('extending the vocabulary of a checkpoint whose masked-LM decoder is not tied to its word embeddings is not supported');
  const pieceIds = added.map((token) => {
    const word = token.startsWith('##') ? token.slice(2) : token;
    return tokenizer.encode(word, { addSpecialTokens: false }).ids.filter((id) => id !== tokenizer.unkTokenId);
  });
  const extended = tf.tidy(() => {
    // Rows of a [vocab, hidden] table or entries of a [vocab] one. (The bias stays 1-D throughout:
    // tfjs-wasm's fused matMul reads the rank a tensor's data was made with, not a reshape's.)
    const meanRows = (table: tf.Tensor) => {
      const fallback = tf.mean(table, 0);
      const rows = pieceIds.map((ids) => (ids.length > 0 ? tf.mean(tf.gather(table, ids), 0) : fallback));
      return rows.length > 0 ? tf.concat([table, tf.stack(rows)]) : table.clone();
    };
    const embeddings = meanRows(weights[embeddingName]);
    const bias = weights[biasName] ? meanRows(weights[biasName]) : undefined;
    return { embeddings, bias };
  });
  const out: BertWeights = { ...weights, [embeddingName]: extended.embeddings };
  if (extended.bias) out[biasName] = extended.bias;
  weights[embeddingName].dispose();
  weights[biasName]?.dispose();
  return { weights: out, config: { ...config, vocabSize: config.vocabSize + added.length } };
}
