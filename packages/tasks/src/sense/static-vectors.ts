/**
 * The static baseline: a model's context-free vector for a word form, the "one vector for both
 * banks" that contextual layers are compared against.
 *
 * - BERT: the mean of the word's WordPiece rows of `embeddings.word_embeddings.weight`. Not
 *   layer 0 of `embed`, which adds position and token-type embeddings and a LayerNorm and so
 *   depends on where the word sits.
 * - ELMo: the char-CNN token embedding (layer 0 of `embed`), which only sees the word's characters.
 *
 * The vector is the same for every occurrence of a form, so a classifier on it can only tell
 * senses apart by form ("lines" against "line").
 */
import * as tf from '@tensorflow/tfjs-core';
import { BertModel, type ContextualEmbedder } from '@wb/core';

/** One static vector per distinct word form in `words` (the map's keys are the forms as given). */
export async function staticVectors(embedder: ContextualEmbedder, words: readonly string[]): Promise<Map<string, Float32Array>> {
  const forms = [...new Set(words)];
  const vectors = new Map<string, Float32Array>();
  if (embedder instanceof BertModel) {
    const table = embedder.weights['embeddings.word_embeddings.weight'];
    for (const form of forms) {
      const ids = embedder.tokenizer.tokenize(form).map((piece) => embedder.tokenizer.tokenToId(piece)!);
      if (ids.length === 0) {
        // A form the tokenizer drops entirely (control characters) has no rows.
        vectors.set(form, new Float32Array(embedder.dim));
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
