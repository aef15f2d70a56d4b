/**
 * A loaded bidirectional encoder with its tokenizer (BERT, DistilBERT, RoBERTa, ALBERT): text in,
 * hidden states and per-word vectors out, and the masked-LM head as the fill-mask pipeline, the
 * way Transformers.js pipelines read. What differs between the families (the forward pass, the
 * head, whether token types mean anything, whether it is BERT's computation that another engine
 * can run) comes from the family module; this class only moves text and tensors.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { EmbeddedSentence, EmbedOptions } from '../embed.js';
import type { Tokenizer } from '../tokenize/tokenizer.js';
import type { BertConfig, BertInputs, BertOutputs, BertWeights } from './bert.js';
import { tfjsBertEncoder, type BertEncoder } from './bert-encoder.js';
import {
  unsupported,
  type FamilyName,
  type FeatureOptions,
  type FillMaskPrediction,
  type Generation,
  type LanguageModel,
  type ModelInput,
  type TokenFeatures,
} from './language-model.js';
import { encodeBatch, encodeBatchIds } from './token-batch.js';
import { embedWords, lmLogitRows, tokenFeatures, tokenRun, type TokenInput, type TokenRun, type TokenRunOptions } from './token-run.js';

export type EncoderInput = TokenInput;
export type EncoderRunOptions = TokenRunOptions;
export type EncoderRun = TokenRun<BertOutputs>;

/** What a family gives the encoder model. */
export interface EncoderParts {
  family: FamilyName;
  tokenizer: Tokenizer;
  hiddenSize: number;
  /** Transformer layers (hidden states are one more). */
  numHiddenLayers: number;
  /** Positions the model can take. */
  maxLength: number;
  /** False when the model has a single token type (RoBERTa, DistilBERT): type ids are then all 0. */
  tokenTypes: boolean;
  forward(inputs: BertInputs, options: { outputAttentions?: boolean }): BertOutputs;
  /** The input word-embedding table, [vocab, embedding size]: one context-free vector per token (the static baseline). */
  wordEmbeddings: tf.Tensor2D;
  /** Vocabulary logits from hidden states; absent when the checkpoint has no masked-LM head. */
  mlmLogits?: (hidden: tf.Tensor) => tf.Tensor;
  /** The tensors to free on dispose. */
  tensors: tf.Tensor[];
  /** config.json's `architectures[0]` (e.g. BertForSequenceClassification): what an error about a missing head names. */
  architecture?: string;
  /**
   * The encoder as BERT's config and BERT-named weights, for a family whose forward pass is BERT's
   * (BERT; DistilBERT, with one all-zero token type): `encode` then goes through a `BertEncoder`,
   * which another engine (ONNX Runtime) can replace (`useEncoder`).
   */
  asBert?: { config: BertConfig; weights: BertWeights };
}

export class EncoderModel implements LanguageModel {
  readonly family: FamilyName;
  readonly objective = 'masked-lm' as const;
  readonly takesWords = false;
  readonly tokenizer: Tokenizer;
  readonly maxLength: number;
  protected readonly parts: EncoderParts;
  /** What runs the encoder for `encode` (and so `embed`, the pipelines, sentence vectors), for a family with `asBert`. */
  private engine: BertEncoder | undefined;

  constructor(parts: EncoderParts) {
    this.parts = parts;
    this.family = parts.family;
    this.tokenizer = parts.tokenizer;
    this.maxLength = parts.maxLength;
    this.engine = parts.asBert && tfjsBertEncoder(parts.asBert.config, parts.asBert.weights);
  }

  /** The encoder as BERT's config and weights, when this family's forward pass is BERT's (what another engine is built from). */
  get asBert(): EncoderParts['asBert'] {
    return this.parts.asBert;
  }

  /** What runs the encoder: a `BertEncoder` (tfjs unless `useEncoder` said otherwise), or none for a family only tfjs runs. */
  get encoder(): BertEncoder | undefined {
    return this.engine;
  }

  /** Runs the encoder with another engine from now on (the previous one is disposed). */
  useEncoder(encoder: BertEncoder): void {
    if (!this.engine) throw new Error(`a ${this.family} model's encoder runs on tfjs only`);
    this.engine.dispose();
    this.engine = encoder;
  }

  get numLayers(): number {
    return this.parts.numHiddenLayers + 1;
  }

  get dim(): number {
    return this.parts.hiddenSize;
  }

  /** The input word-embedding table, [vocab, embedding size] (ALBERT's is narrower than its hidden size). */
  get wordEmbeddings(): tf.Tensor2D {
    return this.parts.wordEmbeddings;
  }

  get parameterCount(): number {
    return this.parts.tensors.reduce((n, t) => n + t.size, 0);
  }

  /** Tokenises a batch (padded to its longest member) and runs the encoder. Dispose the result. */
  run(inputs: EncoderInput[], options: EncoderRunOptions = {}): EncoderRun {
    const batch = encodeBatch(this.tokenizer, inputs, this.maxLength, options);
    const { encodings, inputIds, tokenTypeIds, attentionMask } = batch;
    let outputs: BertOutputs;
    try {
      outputs = this.parts.forward(
        { inputIds, tokenTypeIds: this.parts.tokenTypes ? tokenTypeIds : undefined, attentionMask },
        { outputAttentions: options.outputAttentions },
      );
    } catch (e) {
      tf.dispose([inputIds, attentionMask]);
      throw e;
    } finally {
      tokenTypeIds.dispose();
    }
    return tokenRun(encodings, outputs, inputIds, attentionMask);
  }

  /** `run` through the model's encoder engine (tfjs, ONNX Runtime, …): what the pipelines call. Dispose the result. */
  async encode(inputs: EncoderInput[], options: EncoderRunOptions = {}): Promise<EncoderRun> {
    if (!this.engine) return this.run(inputs, options);
    const { encodings, ids } = encodeBatchIds(this.tokenizer, inputs, this.maxLength, options);
    // A family with one token type (DistilBERT) gives a pair's second segment type 0 too, as `run` does.
    if (!this.parts.tokenTypes) ids.tokenTypeIds.fill(0);
    const outputs = await this.engine.encode(ids, { outputAttentions: options.outputAttentions });
    const shape: [number, number] = [ids.batch, ids.seq];
    return tokenRun(encodings, outputs, tf.tensor2d(ids.inputIds, shape, 'int32'), tf.tensor2d(ids.attentionMask, shape, 'float32'));
  }

  async embed(inputs: Array<string | string[]>, options: EmbedOptions = {}): Promise<EmbeddedSentence[]> {
    return embedWords((texts) => this.encode(texts), inputs, options);
  }

  async features(inputs: ModelInput[], options: FeatureOptions = {}): Promise<TokenFeatures[]> {
    const texts = inputs.map((input, i) => {
      if (typeof input === 'string' || input.length === 2) return input as EncoderInput;
      throw new Error(`input ${i}: a ${this.family} model takes a text or a [text, text_pair], not ${input.length} words`);
    });
    return tokenFeatures((batch, runOptions) => this.encode(batch, runOptions), texts, options, this.parts.tokenTypes);
  }

  /** Masked-LM logits at every token of one text, [tokens][vocab]. */
  async lmLogits(text: string): Promise<{ ids: number[]; tokens: string[]; logits: number[][] }> {
    const head = this.parts.mlmLogits;
    if (!head) throw new Error(`${this.describeCheckpoint()} has no masked-LM head`);
    return lmLogitRows((texts) => this.encode(texts), text, head);
  }

  /** Top-k predictions for every mask token ([MASK], <mask>) in the text, in order. */
  async fillMask(text: string, options: { topK?: number } = {}): Promise<FillMaskPrediction[][]> {
    const topK = options.topK ?? 5;
    const maskId = this.tokenizer.maskTokenId;
    if (maskId === undefined) throw new Error(`fill-mask: this ${this.family} tokenizer has no mask token`);
    const head = this.parts.mlmLogits;
    if (!head) throw new Error(`fill-mask needs a checkpoint with the masked-LM head; ${this.describeCheckpoint()} has none`);
    const run = await this.encode([text]);
    const { ids } = run.encodings[0];
    const maskPositions = ids.flatMap((id, p) => (id === maskId ? [p] : []));
    if (maskPositions.length === 0) {
      run.dispose();
      throw new Error(`fill-mask: the text has no ${this.tokenizer.idToToken(maskId)} token: "${text}"`);
    }
    const probs = tf.tidy(() => tf.softmax(head(tf.gather(run.outputs.lastHiddenState, maskPositions, 1))));
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

  async generate(): Promise<Generation> {
    throw unsupported(this.family, this.objective, 'generate');
  }

  /** "this bert checkpoint (a BertForSequenceClassification)", for errors about what it lacks. */
  protected describeCheckpoint(): string {
    return `this ${this.family} checkpoint${this.parts.architecture ? ` (a ${this.parts.architecture})` : ''}`;
  }

  dispose(): void {
    this.engine?.dispose();
    tf.dispose(this.parts.tensors);
  }
}
