/**
 * A loaded GPT-2 with its byte-level BPE tokenizer: hidden states and per-word vectors like the
 * encoders (each token sees only the text before it), and text generation: greedy by default, or
 * sampled with temperature / top-k / top-p from a seed. Generation keeps every layer's keys and
 * values (the KV cache), so each new token costs one position, not the whole text again.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { EmbeddedSentence, EmbedOptions } from '../embed.js';
import type { Tokenizer } from '../tokenize/tokenizer.js';
import { disposeCache, gpt2Forward, gpt2Logits, type Gpt2Cache, type Gpt2Config, type Gpt2Outputs, type Gpt2Weights } from './gpt2.js';
import {
  unsupported,
  type FeatureOptions,
  type FillMaskPrediction,
  type Generation,
  type GenerateOptions,
  type LanguageModel,
  type ModelInput,
  type TokenFeatures,
} from './language-model.js';
import { argmax, checkSampling, isSampling, Rng, sampleToken } from './sampling.js';
import { encodeBatch } from './token-batch.js';
import { embedWords, lmLogitRows, tokenFeatures, tokenRun, type TokenInput, type TokenRun, type TokenRunOptions } from './token-run.js';

export class Gpt2Model implements LanguageModel {
  readonly family = 'gpt2' as const;
  readonly objective = 'causal-lm' as const;
  readonly takesWords = false;

  constructor(
    readonly config: Gpt2Config,
    readonly weights: Gpt2Weights,
    readonly tokenizer: Tokenizer,
  ) {}

  get numLayers(): number {
    return this.config.nLayer + 1;
  }

  get dim(): number {
    return this.config.nEmbd;
  }

  get maxLength(): number {
    return this.config.nPositions;
  }

  get parameterCount(): number {
    return Object.values(this.weights).reduce((n, t) => n + t.size, 0);
  }

  /** Tokenises a batch (padded on the right) and runs the decoder. Dispose the result. */
  run(inputs: TokenInput[], options: TokenRunOptions = {}): TokenRun<Gpt2Outputs> {
    const { encodings, inputIds, tokenTypeIds, attentionMask } = encodeBatch(this.tokenizer, inputs, this.maxLength, options);
    tokenTypeIds.dispose();
    let outputs: Gpt2Outputs;
    try {
      outputs = gpt2Forward(this.weights, this.config, { inputIds, attentionMask }, { outputAttentions: options.outputAttentions });
    } catch (e) {
      tf.dispose([inputIds, attentionMask]);
      throw e;
    }
    return tokenRun(encodings, outputs, inputIds, attentionMask);
  }

  async embed(inputs: Array<string | string[]>, options: EmbedOptions = {}): Promise<EmbeddedSentence[]> {
    return embedWords((texts) => this.run(texts), inputs, options);
  }

  async features(inputs: ModelInput[], options: FeatureOptions = {}): Promise<TokenFeatures[]> {
    const texts = inputs.map((input, i) => {
      if (typeof input === 'string' || input.length === 2) return input as string | [string, string];
      throw new Error(`input ${i}: a gpt2 model takes a text, not ${input.length} words`);
    });
    return tokenFeatures((batch, runOptions) => this.run(batch, runOptions), texts, options, false);
  }

  /** Next-token logits after every token of one text, [tokens][vocab]. */
  async lmLogits(text: string): Promise<{ ids: number[]; tokens: string[]; logits: number[][] }> {
    return lmLogitRows((texts) => this.run(texts), text, (hidden) => gpt2Logits(this.weights, hidden));
  }

  async fillMask(): Promise<FillMaskPrediction[][]> {
    throw unsupported(this.family, this.objective, 'fill-mask');
  }

  /** Continues `prompt`; greedy unless temperature, top-k or top-p is given. */
  async generate(prompt: string, options: GenerateOptions = {}): Promise<Generation> {
    checkSampling(options);
    const maxNewTokens = options.maxNewTokens ?? 20;
    if (!Number.isInteger(maxNewTokens) || maxNewTokens < 0) throw new Error(`maxNewTokens must be an integer ≥ 0, got ${maxNewTokens}`);
    const promptIds = this.tokenizer.encode(prompt).ids;
    // An empty prompt starts from the beginning-of-text token, as GPT-2 was trained.
    const context = promptIds.length > 0 ? promptIds : [this.config.bosTokenId];
    if (context.length > this.maxLength) throw new Error(`the prompt has ${context.length} tokens but the model has only ${this.maxLength} positions`);
    const sampling = isSampling(options);
    const rng = new Rng(options.seed ?? 0);
    const eos = this.tokenizer.eosTokenId ?? this.config.eosTokenId;
    const newIds: number[] = [];
    let cache: Gpt2Cache | undefined;
    let feed = context;
    try {
      while (newIds.length < maxNewTokens && (cache?.length ?? 0) + feed.length <= this.maxLength) {
        const step = await this.step(feed, cache);
        disposeCache(cache);
        cache = step.cache;
        const next = sampling ? sampleToken(step.logits, options, rng) : argmax(step.logits);
        newIds.push(next);
        if (next === eos && (options.stopAtEos ?? true)) break;
        feed = [next];
      }
    } finally {
      disposeCache(cache);
    }
    return { prompt, promptIds, newIds, text: this.tokenizer.decode([...promptIds, ...newIds]) };
  }

  /** Runs `ids` after the cached positions: the next-token logits at the last one, and the longer cache. */
  private async step(ids: number[], past: Gpt2Cache | undefined): Promise<{ logits: Float32Array; cache: Gpt2Cache }> {
    const inputIds = tf.tensor2d([ids], [1, ids.length], 'int32');
    const outputs = gpt2Forward(this.weights, this.config, { inputIds, past }, { useCache: true });
    const logits = tf.tidy(() => gpt2Logits(this.weights, tf.slice(outputs.lastHiddenState, [0, ids.length - 1, 0], [1, 1, -1])));
    tf.dispose([inputIds, outputs.lastHiddenState, ...outputs.hiddenStates]);
    // Read asynchronously: WebGPU cannot read a tensor synchronously.
    const row = (await logits.data()) as Float32Array;
    logits.dispose();
    return { logits: row, cache: outputs.cache! };
  }

  dispose(): void {
    tf.dispose(Object.values(this.weights));
  }
}
