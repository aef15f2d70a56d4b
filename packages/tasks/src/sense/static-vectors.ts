/**
 * The static baseline: a model's context-free vector for a word form, the "one vector for both
 * banks" that contextual layers are compared against.
 *
 * - Encoders (BERT, DistilBERT, RoBERTa, ALBERT): the mean of the word's token rows of the input
 *   word-embedding table, the word tokenised as it is mid-sentence (after a space: byte-level BPE's
 *   `Ġbank`, SentencePiece's `▁bank`). Not layer 0 of `embed`, which adds position (and
 *   token-type) embeddings and a LayerNorm and so depends on where the word sits.
 * - ELMo: the char-CNN token embedding (layer 0 of `embed`), which only sees the word's characters.
 *
 * The vector is the same for every occurrence of a form, so a classifier on it can only tell
 * senses apart by form ("lines" against "line").
 */
import * as tf from '@tensorflow/tfjs-core';
import { EncoderModel, type ContextualEmbedder } from '@wb/core';
import { midSentenceIds } from './word-tokens.js';

/** One static vector per distinct word form in `words` (the map's keys are the forms as given). */
export async function staticVectors(embedder: ContextualEmbedder, words: readonly string[]): Promise<Map<string, Float32Array>> {
  const forms = [...new Set(words)];
  const vectors = new Map<string, Float32Array>();
  if (embedder instanceof EncoderModel) {
    const table = embedder.wordEmbeddings;
    for (const form of forms) {
      const ids = midSentenceIds(embedder.tokenizer, form);
      if (ids.length === 0) {
        // A form the tokenizer drops entirely (control characters) has no rows.
        vectors.set(form, new Float32Array(table.shape[1]));
        continue;
      }
      const mean = tf.tidy(() => tf.mean(tf.gather(table, tf.tensor1d(ids, 'int32')), 0));
      vectors.set(form, (await mean.data()) as Float32Array);
      mean.dispose();
    }
    return vectors;
  }
  if (embedder.family === 'elmo') {
    const sentences = await embedder.embed(forms.map((form) => [form]));
    forms.forEach((form, i) => vectors.set(form, sentences[i].words[0].layers[0]));
    return vectors;
  }
  throw new Error(`no static baseline is defined for ${embedder.family} models`);
}
