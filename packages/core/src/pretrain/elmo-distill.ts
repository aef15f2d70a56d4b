/**
 * A BERT teacher for ELMo's pretraining: each word's vector in a trained BERT (the mean of its
 * WordPieces at one layer) becomes an auxiliary target for ELMo's top layer, through a linear head
 * that is trained with it and then dropped (as the softmax is).
 *
 * Why: the biLM's own objective (the next and the previous word) fills its top layer with what
 * predicts a neighbouring word. It learns local syntax fast, but little of which sense a word has:
 * elmo-mini's uses of *bank* by a river and at a lender sat no further apart than uses of one sense
 * (sense gap 0.023, while ten times more training lowered its perplexity from 369 to 167). A masked-LM
 * encoder of the same corpus separates them better (bert-mini: 0.061). The cosine between the
 * student's and the teacher's vectors is DistilBERT's hidden-state loss (Sanh et al. 2019); a linear
 * map between two architectures' spaces is TinyBERT's (Jiao et al. 2020).
 */
import * as tf from '@tensorflow/tfjs-core';
import { loadBertCheckpoint, loadBertTokenizer } from '../load.js';
import { bertForward, type BertConfig, type BertWeights } from '../models/bert.js';
import type { BertTokenizer } from '../tokenize/bert-tokenizer.js';
import { Rng } from '../train/rng.js';
import { tokensInSpan } from '../word-spans.js';
import { pairwiseSimilarityLoss, sameTokenPairs, sameTokenSimilarityLoss } from './same-token-pairs.js';

export interface WordTargets {
  /** [batch, time, hidden]: each word's teacher vector (zero where `mask` is 0). */
  vectors: tf.Tensor3D;
  /** [batch, time]: 1 where the word has a teacher vector (not padding, not cut off by the teacher's positions). */
  mask: tf.Tensor2D;
  /** The same words as flat indices into batch × time, ascending. */
  rows: number[];
}

/** The linear head of wordDistillationLoss, seeded: W Glorot-uniform [width, hidden], b zero. */
export function initDistillationHead(width: number, hidden: number, seed: number): { weight: tf.Tensor2D; bias: tf.Tensor1D } {
  const rng = new Rng(seed);
  const limit = Math.sqrt(6 / (width + hidden));
  const weight = tf.tensor2d(Float32Array.from({ length: width * hidden }, () => (rng.next() * 2 - 1) * limit), [width, hidden]);
  return { weight, bias: tf.zeros([hidden]) };
}

export class BertWordTeacher {
  private constructor(
    readonly dir: string,
    private readonly weights: BertWeights,
    readonly config: BertConfig,
    private readonly tokenizer: BertTokenizer,
    /** 0: the embeddings, 1..numHiddenLayers: that layer's output. */
    readonly layer: number,
  ) {}

  /** A BERT folder (any that loadBertCheckpoint reads) and the layer to copy (default: the last). */
  static load(dir: string, layer?: number): BertWordTeacher {
    const checkpoint = loadBertCheckpoint(dir);
    const layers = checkpoint.config.numHiddenLayers;
    const chosen = layer ?? layers;
    if (!Number.isInteger(chosen) || chosen < 0 || chosen > layers) {
      tf.dispose(Object.values(checkpoint.weights));
      throw new Error(`--distill-layer ${layer}: ${dir} has layers 0 (embeddings) to ${layers}`);
    }
    return new BertWordTeacher(checkpoint.dir, checkpoint.weights, checkpoint.config, loadBertTokenizer(checkpoint.dir), chosen);
  }

  get hiddenSize(): number {
    return this.config.hiddenSize;
  }

  /**
   * The teacher's vector of every word of `sentences` (each a list of ELMo's words), laid out as the
   * student's word layers are: [batch, time, hidden]. The words are joined by spaces and found among
   * the WordPieces by character offsets, so a word split into pieces gets their mean.
   */
  wordVectors(sentences: string[][], time: number): WordTargets {
    const maxLength = this.config.maxPositionEmbeddings;
    const encodings = sentences.map((words) => {
      const text = words.join(' ');
      // Cut to the teacher's positions: words past the cut get no target.
      const encoding = this.tokenizer.encode(text, { maxLength, truncation: true });
      return { text, words, encoding };
    });
    const seq = Math.max(...encodings.map((e) => e.encoding.ids.length));
    const batch = sentences.length;
    const ids = new Int32Array(batch * seq).fill(this.config.padTokenId ?? 0);
    const attention = new Int32Array(batch * seq);
    // averaging[b, w, t] = 1/n when token t is one of the n pieces of word w.
    const averaging = new Float32Array(batch * time * seq);
    const mask = new Float32Array(batch * time);
    const rows: number[] = [];
    encodings.forEach(({ text, words, encoding }, b) => {
      encoding.ids.forEach((id, t) => {
        ids[b * seq + t] = id;
        attention[b * seq + t] = 1;
      });
      let start = 0;
      words.forEach((word, w) => {
        if (w >= time) return;
        const pieces = tokensInSpan(encoding.offsets, { start, end: start + word.length }, text);
        start += word.length + 1;
        if (pieces.length === 0) return;
        for (const t of pieces) averaging[(b * time + w) * seq + t] = 1 / pieces.length;
        mask[b * time + w] = 1;
        rows.push(b * time + w);
      });
    });
    const computed = tf.tidy(() => {
      const out = bertForward(this.weights, this.config, {
        inputIds: tf.tensor2d(ids, [batch, seq], 'int32'),
        tokenTypeIds: tf.zeros([batch, seq], 'int32') as tf.Tensor2D,
        attentionMask: tf.tensor2d(attention, [batch, seq], 'int32'),
      });
      const vectors = tf.matMul(tf.tensor3d(averaging, [batch, time, seq]), out.hiddenStates[this.layer]) as tf.Tensor3D;
      return { vectors, mask: tf.tensor2d(mask, [batch, time]) };
    });
    return { ...computed, rows };
  }

  dispose(): void {
    tf.dispose(Object.values(this.weights));
  }
}

/**
 * How far the student's cosine similarities between the words of a batch are from the teacher's:
 * the mean over all pairs of marked words of (cos_student − cos_teacher)², as similarity-preserving
 * distillation (Tung & Mori 2019) does across architectures. Unlike the cosine through a head, it asks
 * the student's own vectors for the teacher's geometry, which is what a word's sense gap measures.
 */
export function similarityDistillationLoss(student: tf.Tensor3D, targets: WordTargets): tf.Scalar {
  return tf.tidy(() =>
    pairwiseSimilarityLoss(
      tf.reshape(student, [-1, student.shape[2]]) as tf.Tensor2D,
      tf.reshape(targets.vectors, [-1, targets.vectors.shape[2]]) as tf.Tensor2D,
      targets.rows,
    ),
  );
}

/**
 * The similarity loss asked of each direction's half of the layer ([forward; backward]) on its own,
 * averaged. A whole vector's cosine is about the mean of its halves' (their norms are close), so the
 * loss on the whole can be met by a backward half that overshoots the teacher's cosines while the
 * forward half, which has read only the words before, stays behind; this one asks both.
 */
export function perDirectionSimilarityLoss(student: tf.Tensor3D, targets: WordTargets): tf.Scalar {
  const half = student.shape[2] / 2;
  return tf.tidy(() => {
    const [forward, backward] = tf.split(student, [half, half], 2) as [tf.Tensor3D, tf.Tensor3D];
    return tf.div(tf.add(similarityDistillationLoss(forward, targets), similarityDistillationLoss(backward, targets)), 2) as tf.Scalar;
  });
}

/**
 * The similarity loss restricted to what a sense gap compares: (cos_student − cos_teacher)² over
 * the pairs of uses of one word in the batch (case folded; its first 8 uses), each word counting
 * once (`sameTokenPairs`). Over all pairs of a batch's words, as similarityDistillationLoss does, the
 * ~100 pairs of a 64-sentence batch that share a word are one in 5,000.
 */
export function sameWordDistillationLoss(student: tf.Tensor3D, targets: WordTargets, words: string[][]): tf.Scalar {
  const [batch, time, width] = student.shape;
  const ids = new Int32Array(batch * time);
  const marked = new Float32Array(batch * time);
  const wordIds = new Map<string, number>();
  for (const row of targets.rows) {
    const word = words[Math.floor(row / time)][row % time].toLowerCase();
    if (!wordIds.has(word)) wordIds.set(word, wordIds.size);
    ids[row] = wordIds.get(word)!;
    marked[row] = 1;
  }
  const pairs = sameTokenPairs(ids, marked, new Set());
  return tf.tidy(() =>
    sameTokenSimilarityLoss(
      tf.reshape(student, [-1, width]) as tf.Tensor2D,
      tf.reshape(targets.vectors, [-1, targets.vectors.shape[2]]) as tf.Tensor2D,
      pairs,
    ),
  );
}

/**
 * Mean over the words `targets.mask` marks of 1 − cos(student · W + b, teacher): student [batch,
 * time, D] (one of ELMo's word layers), W [D, hidden], b [hidden].
 */
export function wordDistillationLoss(student: tf.Tensor3D, head: { weight: tf.Tensor2D; bias: tf.Tensor1D }, targets: WordTargets): tf.Scalar {
  return tf.tidy(() => {
    const [batch, time, width] = student.shape;
    const hidden = head.weight.shape[1];
    const mapped = tf.add(tf.matMul(tf.reshape(student, [-1, width]), head.weight), head.bias);
    const teacher = tf.reshape(targets.vectors, [-1, hidden]);
    // sqrt(‖x‖² + ε), not ‖x‖: padding rows are zero, and the gradient of a zero vector's norm is 0/0.
    const norm = (x: tf.Tensor) => tf.sqrt(tf.add(tf.sum(tf.square(x), 1), 1e-12));
    const cosine = tf.div(tf.sum(tf.mul(mapped, teacher), 1), tf.mul(norm(mapped), norm(teacher)));
    const mask = tf.reshape(targets.mask, [batch * time]);
    return tf.div(tf.sum(tf.mul(tf.sub(1, cosine), mask)), tf.maximum(tf.sum(mask), 1)) as tf.Scalar;
  });
}
