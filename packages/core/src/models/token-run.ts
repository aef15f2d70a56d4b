/**
 * A batch run through a token model (an encoder or GPT-2), and what every such model builds on it
 * the same way: per-word vectors (`embed`), per-token features (`features`) and the LM head's
 * logits at every token (`lmLogits`). The model supplies `encode`: tokenise, pad and run.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { EmbeddedSentence, EmbedOptions } from '../embed.js';
import type { Encoding } from '../tokenize/bert-tokenizer.js';
import type { Truncation } from '../tokenize/truncation.js';
import { startEmbedding } from '../work-progress.js';
import type { FeatureOptions, TokenFeatures } from './language-model.js';
import { realLength, wordsFromTokens } from './token-batch.js';

export interface TokenOutputs {
  lastHiddenState: tf.Tensor3D;
  /** The embedding output first, then each layer's: [batch, seq, hidden] each. */
  hiddenStates: tf.Tensor3D[];
  poolerOutput?: tf.Tensor2D;
  attentions?: tf.Tensor4D[];
}

export interface TokenRunOptions {
  outputAttentions?: boolean;
  /** Longest input in tokens; defaults to the model's positions. */
  maxLength?: number;
  /** Cut inputs longer than maxLength instead of failing. */
  truncation?: Truncation;
}

export interface TokenRun<O extends TokenOutputs = TokenOutputs> {
  encodings: Encoding[];
  outputs: O;
  /** The tensors fed to the model, [batch, seq]. */
  inputIds: tf.Tensor2D;
  attentionMask: tf.Tensor2D;
  /** Frees the outputs and the inputs. */
  dispose(): void;
}

export type TokenInput = string | [string, string];
export type Encode = (inputs: TokenInput[], options?: TokenRunOptions) => TokenRun | Promise<TokenRun>;

export function tokenRun<O extends TokenOutputs>(encodings: Encoding[], outputs: O, inputIds: tf.Tensor2D, attentionMask: tf.Tensor2D): TokenRun<O> {
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

/** Per-word vectors of every layer (a word's tokens pooled by their offsets), batch by batch. */
export async function embedWords(encode: Encode, inputs: Array<string | string[]>, options: EmbedOptions = {}): Promise<EmbeddedSentence[]> {
  const batchSize = options.batchSize ?? 16;
  const sentences: EmbeddedSentence[] = [];
  const progress = startEmbedding(inputs.length);
  for (let b = 0; b < inputs.length; b += batchSize) {
    const chunk = inputs.slice(b, b + batchSize);
    const texts = chunk.map((input) => (Array.isArray(input) ? input.join(' ') : input));
    const run = await encode(texts);
    const layers = (await Promise.all(run.outputs.hiddenStates.map((h) => h.array()))) as number[][][][];
    run.dispose();
    chunk.forEach((input, i) => {
      const words = wordsFromTokens(input, texts[i], run.encodings[i].offsets, layers.map((layer) => layer[i]), options.pooling ?? 'mean');
      sentences.push({ text: texts[i], words });
    });
    progress.advance(chunk.length);
  }
  progress.finish();
  return sentences;
}

/**
 * Per-token features as plain arrays, without the padding. `tokenTypes` false: the model reads
 * type 0 whatever the tokenizer wrote (single-type models), and that is what is reported.
 */
export async function tokenFeatures(encode: Encode, inputs: TokenInput[], options: FeatureOptions, tokenTypes: boolean): Promise<TokenFeatures[]> {
  const batchSize = options.batchSize ?? 8;
  const out: TokenFeatures[] = [];
  for (let start = 0; start < inputs.length; start += batchSize) {
    const run = await encode(inputs.slice(start, start + batchSize), {
      maxLength: options.maxLength,
      truncation: options.maxLength ? 'longest_first' : false,
      outputAttentions: options.attentions,
    });
    const { outputs } = run;
    const hidden = (options.allLayers ? await Promise.all(outputs.hiddenStates.map((h) => h.array())) : [await outputs.lastHiddenState.array()]) as number[][][][];
    const pooled = outputs.poolerOutput ? ((await outputs.poolerOutput.array()) as number[][]) : undefined;
    const attentions = outputs.attentions ? ((await Promise.all(outputs.attentions.map((a) => a.array()))) as number[][][][][]) : undefined;
    run.dispose();
    run.encodings.forEach((encoding, i) => {
      const n = realLength(encoding);
      const features: TokenFeatures = {
        tokens: encoding.tokens.slice(0, n),
        offsets: encoding.offsets.slice(0, n),
        ids: encoding.ids.slice(0, n),
        tokenTypeIds: tokenTypes ? encoding.tokenTypeIds.slice(0, n) : new Array<number>(n).fill(0),
        hiddenStates: hidden.map((layer) => layer[i].slice(0, n)),
      };
      if (pooled) features.poolerOutput = pooled[i];
      if (attentions) features.attentions = attentions.map((layer) => layer[i].map((head) => head.slice(0, n).map((row) => row.slice(0, n))));
      out.push(features);
    });
  }
  return out;
}

/** `head`'s logits at every token of one text, [tokens][vocab]. */
export async function lmLogitRows(encode: Encode, text: string, head: (hidden: tf.Tensor) => tf.Tensor): Promise<{ ids: number[]; tokens: string[]; logits: number[][] }> {
  const run = await encode([text]);
  const logits = head(run.outputs.lastHiddenState);
  const rows = ((await logits.array()) as number[][][])[0];
  tf.dispose(logits);
  const { ids, tokens } = run.encodings[0];
  run.dispose();
  return { ids, tokens, logits: rows };
}
