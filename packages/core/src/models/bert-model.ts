/**
 * A loaded BERT with its tokenizer: text in, tensors and per-word vectors out, plus the two
 * pretraining heads as pipelines (fill-mask, next-sentence prediction), the way Transformers.js
 * pipelines read.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ContextualEmbedder, EmbeddedSentence, EmbeddedWord, EmbedOptions } from '../embed.js';
import type { BertTokenizer, Encoding, Truncation } from '../tokenize/index.js';
import { basicTokenize } from '../tokenize/index.js';
import { bertForward, mlmLogits, nspLogits, type BertConfig, type BertOutputs, type BertWeights } from './bert.js';

export type BertInput = string | [string, string];

export interface BertRunOptions {
  outputAttentions?: boolean;
  /** Longest input in tokens; defaults to max_position_embeddings. */
  maxLength?: number;
  /** Cut inputs longer than maxLength instead of failing. */
  truncation?: Truncation;
}

export interface BertRun {
  encodings: Encoding[];
  outputs: BertOutputs;
  /** The tensors fed to the model, [batch, seq]. */
  inputIds: tf.Tensor2D;
  attentionMask: tf.Tensor2D;
  dispose(): void;
}

export interface FillMaskPrediction {
  token: string;
  tokenId: number;
  score: number;
  /** The input with this mask filled in. */
  sequence: string;
}

export class BertModel implements ContextualEmbedder {
  readonly family = 'bert' as const;

  constructor(
    readonly config: BertConfig,
    readonly weights: BertWeights,
    readonly tokenizer: BertTokenizer,
  ) {}

  get numLayers(): number {
    return this.config.numHiddenLayers + 1;
  }

  get dim(): number {
    return this.config.hiddenSize;
  }

  /** Tokenises a batch (padded to its longest member) and runs the encoder. Dispose the result. */
  run(inputs: BertInput[], options: BertRunOptions = {}): BertRun {
    const maxLength = Math.min(options.maxLength ?? this.config.maxPositionEmbeddings, this.config.maxPositionEmbeddings);
    const encodings = this.tokenizer.encodeBatch(inputs, {
      padding: 'longest',
      maxLength,
      truncation: options.truncation ?? false,
    });
    const batch = encodings.length;
    const seq = encodings[0]?.ids.length ?? 0;
    if (seq > this.config.maxPositionEmbeddings) {
      throw new Error(
        `an input has ${seq} tokens but the model has ${this.config.maxPositionEmbeddings} positions; pass truncation or a shorter text`,
      );
    }
    const flat = (pick: (e: Encoding) => number[]) => Int32Array.from(encodings.flatMap(pick));
    const inputIds = tf.tensor2d(flat((e) => e.ids), [batch, seq], 'int32');
    const tokenTypeIds = tf.tensor2d(flat((e) => e.tokenTypeIds), [batch, seq], 'int32');
    const attentionMask = tf.tensor2d(flat((e) => e.attentionMask), [batch, seq], 'float32');
    const outputs = bertForward(this.weights, this.config, { inputIds, tokenTypeIds, attentionMask }, options);
    tokenTypeIds.dispose();
    return {
      encodings,
      outputs,
      inputIds,
      attentionMask,
      dispose() {
        tf.dispose([inputIds, attentionMask, outputs as unknown as tf.TensorContainer]);
      },
    };
  }

  async embed(inputs: Array<string | string[]>, options: EmbedOptions = {}): Promise<EmbeddedSentence[]> {
    const batchSize = options.batchSize ?? 16;
    const pooling = options.pooling ?? 'mean';
    const sentences: EmbeddedSentence[] = [];
    for (let b = 0; b < inputs.length; b += batchSize) {
      const chunk = inputs.slice(b, b + batchSize);
      const texts = chunk.map((input) => (Array.isArray(input) ? input.join(' ') : input));
      const run = this.run(texts);
      const layers = await Promise.all(run.outputs.hiddenStates.map((h) => h.array()));
      run.dispose();
      chunk.forEach((input, i) => {
        const spans = wordSpans(input, texts[i]);
        const offsets = run.encodings[i].offsets;
        const words: EmbeddedWord[] = spans.map(({ text, start, end }) => {
          const pieces = offsets
            .map(([s, e], p) => ({ s, e, p }))
            .filter(({ s, e }) => e > s && s >= start && e <= end)
            .map(({ p }) => p);
          const used = pooling === 'first' ? pieces.slice(0, 1) : pieces;
          return {
            word: text,
            start: Array.isArray(input) ? -1 : start,
            end: Array.isArray(input) ? -1 : end,
            layers: layers.map((layer) => meanOf(used.map((p) => layer[i][p]), this.dim)),
          };
        });
        sentences.push({ text: texts[i], words });
      });
    }
    return sentences;
  }

  /** Top-k predictions for every [MASK] in the text, in order. */
  async fillMask(text: string, options: { topK?: number } = {}): Promise<FillMaskPrediction[][]> {
    const topK = options.topK ?? 5;
    const run = this.run([text]);
    const { ids } = run.encodings[0];
    const maskPositions = ids.flatMap((id, p) => (id === this.tokenizer.maskTokenId ? [p] : []));
    if (maskPositions.length === 0) {
      run.dispose();
      throw new Error(`fill-mask: the text has no ${this.tokenizer.idToToken(this.tokenizer.maskTokenId)} token: "${text}"`);
    }
    if (!this.weights['cls.predictions.transform.dense.weight']) {
      run.dispose();
      throw new Error('fill-mask needs a checkpoint with the masked-LM head (BertForMaskedLM or BertForPreTraining)');
    }
    const probs = tf.tidy(() => {
      const hidden = tf.gather(run.outputs.lastHiddenState, maskPositions, 1);
      return tf.softmax(mlmLogits(this.weights, this.config, hidden));
    });
    const top = tf.topk(probs, topK);
    const [values, indices] = [(await top.values.array()) as number[][][], (await top.indices.array()) as number[][][]];
    tf.dispose([probs, top.values, top.indices]);
    run.dispose();
    return maskPositions.map((position, m) =>
      indices[0][m].map((tokenId, k) => {
        const filled = ids.slice();
        filled[position] = tokenId;
        return {
          token: this.tokenizer.idToToken(tokenId),
          tokenId,
          score: values[0][m][k],
          sequence: this.tokenizer.decode(filled, { skipSpecialTokens: true }),
        };
      }),
    );
  }

  /** Probability that `second` follows `first` (BERT's NSP head, index 0 = is next). */
  async nextSentence(first: string, second: string): Promise<{ isNext: number; logits: [number, number] }> {
    if (!this.weights['cls.seq_relationship.weight'] || !this.weights['pooler.dense.weight']) {
      throw new Error('next-sentence prediction needs a checkpoint with the pooler and NSP head (BertForPreTraining)');
    }
    const run = this.run([[first, second]]);
    const logits = nspLogits(this.weights, run.outputs.poolerOutput!);
    const probs = tf.softmax(logits);
    const [[l0, l1]] = (await logits.array()) as number[][];
    const [[isNext]] = (await probs.array()) as number[][];
    tf.dispose([logits, probs]);
    run.dispose();
    return { isNext, logits: [l0, l1] };
  }

  dispose(): void {
    tf.dispose(Object.values(this.weights));
  }
}

/** Words of an input with their spans in `text`: the caller's words, or BERT's basic tokenisation. */
function wordSpans(input: string | string[], text: string): Array<{ text: string; start: number; end: number }> {
  if (!Array.isArray(input)) return basicTokenize(text, { lowerCase: false });
  let start = 0;
  return input.map((word) => {
    const span = { text: word, start, end: start + word.length };
    start += word.length + 1;
    return span;
  });
}

function meanOf(vectors: number[][], dim: number): Float32Array {
  const out = new Float32Array(dim);
  for (const v of vectors) for (let d = 0; d < dim; d++) out[d] += v[d];
  if (vectors.length > 1) for (let d = 0; d < dim; d++) out[d] /= vectors.length;
  return out;
}
