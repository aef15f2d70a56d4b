/**
 * A loaded BERT with its tokenizer: everything an encoder model does (`encoder-model.ts`: run,
 * per-word vectors, features, fill-mask, and the seam that lets another engine run its encoder),
 * plus BERT's own next-sentence head.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BertTokenizer } from '../tokenize/index.js';
import { bertForward, mlmLogits, nspLogits, type BertConfig, type BertWeights } from './bert.js';
import type { BertEncoder } from './bert-encoder.js';
import { EncoderModel, type EncoderInput, type EncoderRun, type EncoderRunOptions } from './encoder-model.js';

export type { FillMaskPrediction } from './language-model.js';
export type BertInput = EncoderInput;
export type BertRunOptions = EncoderRunOptions;
export type BertRun = EncoderRun;

export class BertModel extends EncoderModel {
  declare readonly family: 'bert';
  declare readonly tokenizer: BertTokenizer;

  constructor(
    readonly config: BertConfig,
    readonly weights: BertWeights,
    tokenizer: BertTokenizer,
    /** config.json's `architectures[0]`, when the model came from a folder. */
    architecture?: string,
  ) {
    super({
      family: 'bert',
      tokenizer,
      hiddenSize: config.hiddenSize,
      numHiddenLayers: config.numHiddenLayers,
      maxLength: config.maxPositionEmbeddings,
      tokenTypes: true,
      forward: (inputs, options) => bertForward(weights, config, inputs, options),
      mlmLogits: weights['cls.predictions.transform.dense.weight'] ? (hidden) => mlmLogits(weights, config, hidden) : undefined,
      wordEmbeddings: weights['embeddings.word_embeddings.weight'] as tf.Tensor2D,
      tensors: Object.values(weights),
      architecture,
      asBert: { config, weights },
    });
  }

  /** The BERT encoder engine that runs `encode` (always one for a BERT). */
  override get encoder(): BertEncoder {
    return super.encoder!;
  }

  /** Probability that `second` follows `first` (BERT's NSP head, index 0 = is next). */
  async nextSentence(first: string, second: string): Promise<{ isNext: number; logits: [number, number] }> {
    if (!this.weights['cls.seq_relationship.weight'] || !this.weights['pooler.dense.weight']) {
      throw new Error(`next-sentence prediction needs a checkpoint with the pooler and NSP head (BertForPreTraining); ${this.describeCheckpoint()} has none`);
    }
    const run = await this.encode([[first, second]]);
    const logits = nspLogits(this.weights, run.outputs.poolerOutput!);
    const probs = tf.softmax(logits);
    const [[l0, l1]] = (await logits.array()) as number[][];
    const [[isNext]] = (await probs.array()) as number[][];
    tf.dispose([logits, probs]);
    run.dispose();
    return { isNext, logits: [l0, l1] };
  }
}
