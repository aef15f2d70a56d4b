/**
 * Held-out masked-LM evaluation for BERT: the same fixed examples for every run and every step, so
 * that curves of different recipes compare. The examples are made as pretraining makes them (sentence
 * pairs packed to the model's length) from a corpus the run does not train on, with 15% of the tokens
 * always replaced by [MASK] whatever masking the run trains with; the draw is seeded, so the set is a
 * function of the corpus, the vocabulary and the length only.
 *
 * A masked-LM loss at the corpus's unigram entropy means the model predicts frequent tokens whatever
 * the context (the plateau small BERTs sit on); below it, the context is being used.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BertConfig, BertWeights } from '../models/bert.js';
import { crossEntropy } from '../ops/cross-entropy.js';
import { Rng } from '../train/rng.js';
import { BertPretrainingData, type PretrainingBatch, type SpecialIds } from './bert-data.js';
import { pretrainingLogits } from './bert-loss.js';

/** The held-out set's seed: fixed, so that every run sees the same examples. */
const HELD_OUT_SEED = 20231;

interface HeldOutMlm {
  /** Mean cross-entropy (nats) over the masked tokens. */
  mlmLoss: number;
  /** Share of masked tokens whose top prediction is the original token. */
  mlmAccuracy: number;
  nspAccuracy: number;
  maskedTokens: number;
}

export function heldOutBertBatches(documents: number[][][], special: SpecialIds, maxLength: number, examples = 256, batchSize = 32): PretrainingBatch[] {
  const data = new BertPretrainingData(documents, special, { maxLength, maskedLmProb: 0.15, maskReplacement: 'mask' });
  const rng = new Rng(HELD_OUT_SEED);
  const batches: PretrainingBatch[] = [];
  for (let left = examples; left > 0; left -= batchSize) batches.push(data.batch(rng, Math.min(batchSize, left)));
  return batches;
}

export function evaluateHeldOutMlm(weights: BertWeights, config: BertConfig, batches: PretrainingBatch[]): HeldOutMlm {
  let lossSum = 0;
  let correct = 0;
  let masked = 0;
  let nspCorrect = 0;
  let pairs = 0;
  for (const batch of batches) {
    const [loss, hits, nspHits] = tf.tidy(() => {
      const logits = pretrainingLogits(weights, config, batch);
      const hitsOf = (l: tf.Tensor2D, labels: Int32Array) => tf.sum(tf.cast(tf.equal(tf.argMax(l, 1), tf.tensor1d(labels, 'int32')), 'int32'));
      return [
        tf.mul(crossEntropy(logits.mlm, batch.maskedLabels), batch.maskedLabels.length),
        hitsOf(logits.mlm, batch.maskedLabels),
        hitsOf(logits.nsp, batch.nextSentenceLabels),
      ];
    });
    lossSum += scalarValue(loss);
    correct += scalarValue(hits);
    nspCorrect += scalarValue(nspHits);
    masked += batch.maskedLabels.length;
    pairs += batch.batchSize;
  }
  return { mlmLoss: lossSum / masked, mlmAccuracy: correct / masked, nspAccuracy: nspCorrect / pairs, maskedTokens: masked };
}

/**
 * The masked-LM loss of a model that ignores the context: the training corpus's token frequencies
 * (add-one smoothed) scored on the held-out masked tokens. A BERT has learnt to read its context
 * only once its held-out loss is clearly below this.
 */
export function unigramBaseline(trainDocuments: number[][][], vocabSize: number, batches: PretrainingBatch[]): number {
  const counts = new Float64Array(vocabSize).fill(1);
  let total = vocabSize;
  for (const doc of trainDocuments) {
    for (const sentence of doc) {
      for (const id of sentence) {
        counts[id]++;
        total++;
      }
    }
  }
  let loss = 0;
  let n = 0;
  for (const batch of batches) {
    for (const label of batch.maskedLabels) {
      loss -= Math.log(counts[label] / total);
      n++;
    }
  }
  return loss / n;
}

/** One number out of a scalar tensor, which is then disposed. */
function scalarValue(t: tf.Tensor): number {
  const value = t.dataSync()[0];
  t.dispose();
  return value;
}
