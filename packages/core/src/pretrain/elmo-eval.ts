/**
 * Held-out evaluation for ELMo, as bert-eval.ts is BERT's: the biLM's full-softmax perplexity (the
 * forward and the backward LM averaged, as bilm-tf reports it) on fixed sentences of a corpus the run
 * does not train on, with the training vocabulary (other words are <UNK>, as in training). Training
 * itself sees a sampled softmax, whose loss is not a perplexity; this is.
 *
 * Beside it, the perplexity of a model that ignores the context (the training targets' frequencies):
 * a biLM reads its context only once it is clearly below that.
 */
import * as tf from '@tensorflow/tfjs-core';
import { batchToElmoCharIds } from '../tokenize/elmo-chars.js';
import type { ElmoOptions } from '../models/elmo/options.js';
import type { ElmoWeights } from '../models/elmo/weights.js';
import { ELMO_BOUNDARY_IDS as BOUNDARY_IDS, elmoWordIds, type ElmoVocabulary } from './elmo-data.js';
import { elmoLmLoss, type ElmoLmBatch } from './elmo-loss.js';

interface HeldOutElmo {
  /** Mean cross-entropy (nats) per predicted word, both directions. */
  loss: number;
  perplexity: number;
  /** Predictions scored: each sentence's words and its end, in each direction. */
  targets: number;
}

/**
 * Up to `maxSentences` non-empty sentences spread evenly over `sentences` (each cut to its first
 * `maxWords` words), in batches: the same set for every run with the same corpus and sizes.
 */
export function heldOutElmoBatches(
  sentences: string[][],
  vocabulary: ElmoVocabulary,
  sizes: { batchSize: number; maxWords: number },
  maxSentences = 1024,
): ElmoLmBatch[] {
  const nonEmpty = sentences.filter((s) => s.length > 0);
  const stride = Math.max(1, nonEmpty.length / maxSentences);
  const chosen: string[][] = [];
  for (let i = 0; Math.floor(i) < nonEmpty.length && chosen.length < maxSentences; i += stride) chosen.push(nonEmpty[Math.floor(i)].slice(0, sizes.maxWords));
  const batches: ElmoLmBatch[] = [];
  for (let start = 0; start < chosen.length; start += sizes.batchSize) {
    const words = chosen.slice(start, start + sizes.batchSize);
    const chars = batchToElmoCharIds(words);
    batches.push({ charIds: tf.tensor3d(chars.ids, chars.shape, 'int32'), wordIds: words.map((s) => elmoWordIds(s, vocabulary)), wordChars: chars.wordChars });
  }
  return batches;
}

/** Each batch's predictions: every word and the sentence boundary, in both directions. */
const targetCount = (batch: ElmoLmBatch) => 2 * batch.wordIds.reduce((n, ids) => n + ids.length + 1, 0);

export function evaluateHeldOutElmo(weights: ElmoWeights, options: ElmoOptions, batches: ElmoLmBatch[]): HeldOutElmo {
  let lossSum = 0;
  let targets = 0;
  for (const batch of batches) {
    const loss = elmoLmLoss(weights, options, batch, { ...BOUNDARY_IDS, softmax: 'full' });
    lossSum += loss.dataSync()[0] * targetCount(batch);
    loss.dispose();
    targets += targetCount(batch);
  }
  return { loss: lossSum / targets, perplexity: Math.exp(lossSum / targets), targets };
}

/**
 * The loss of a context-free model: how often each vocabulary id is a training target (each word
 * once per direction, `</S>` and `<S>` once per sentence), add-one smoothed, scored on the held-out
 * targets.
 */
export function elmoUnigramBaseline(trainSentences: string[][], vocabulary: ElmoVocabulary, batches: ElmoLmBatch[]): number {
  const size = vocabulary.words.length;
  const counts = new Float64Array(size).fill(1);
  let total = size;
  for (const sentence of trainSentences) {
    if (sentence.length === 0) continue; // never drawn for training
    for (const id of elmoWordIds(sentence, vocabulary)) counts[id] += 2;
    counts[BOUNDARY_IDS.bosId]++;
    counts[BOUNDARY_IDS.eosId]++;
    total += 2 * sentence.length + 2;
  }
  let loss = 0;
  for (const batch of batches) {
    for (const ids of batch.wordIds) {
      for (const id of ids) loss -= 2 * Math.log(counts[id] / total);
      loss -= Math.log(counts[BOUNDARY_IDS.bosId] / total) + Math.log(counts[BOUNDARY_IDS.eosId] / total);
    }
  }
  return loss / batches.reduce((n, b) => n + targetCount(b), 0);
}
