/**
 * The one interface every loaded model offers, whatever its family: what `loadModel` returns,
 * what `wb embed`, `wb fill-mask`, `wb generate` and the notebooks talk to. A family says what it
 * can do through `objective` (a masked LM fills masks, a causal LM generates, a biLM does
 * neither); asking for the other raises an error that names the family and what would do it.
 */
import type { ContextualEmbedder, EmbeddedSentence, EmbedOptions } from '../embed.js';
import type { Tokenizer } from '../tokenize/tokenizer.js';

export type FamilyName = 'bert' | 'distilbert' | 'roberta' | 'albert' | 'gpt2' | 'elmo';

/** What a model was trained to predict, and so which pipelines it runs. */
export type Objective = 'masked-lm' | 'causal-lm' | 'bilm';

/** A text, a pair of texts (encoders), or pre-split words (word-level models). */
export type ModelInput = string | [string, string] | string[];

export interface FeatureOptions {
  /** Every hidden state (embeddings output first) instead of the last one only. */
  allLayers?: boolean;
  /** Attention probabilities of every layer, [layers][heads][tokens][tokens]. */
  attentions?: boolean;
  /** Cut each input to this many tokens. */
  maxLength?: number;
  batchSize?: number;
}

/** One input's features, token by token (words for word-level models), as plain arrays. */
export interface TokenFeatures {
  tokens: string[];
  /** [start, end) of each token in its text; [0, 0] for template tokens, [-1, -1] for pre-split words. */
  offsets: Array<[number, number]>;
  /** Token ids; absent for models that read characters (ELMo). */
  ids?: number[];
  tokenTypeIds?: number[];
  /** [layers][tokens][dim]: all of them with `allLayers`, else only the last. */
  hiddenStates: number[][][];
  poolerOutput?: number[];
  attentions?: number[][][][];
}

export interface FillMaskPrediction {
  token: string;
  tokenId: number;
  score: number;
  /** The input with this mask filled in. */
  sequence: string;
}

export interface GenerateOptions {
  /** Tokens to add (default 20). */
  maxNewTokens?: number;
  /** Sampling temperature; absent or 0 is greedy decoding. */
  temperature?: number;
  /** Sample only among the k most likely tokens. */
  topK?: number;
  /** Sample only among the most likely tokens whose probabilities add up to p (nucleus sampling). */
  topP?: number;
  /** Seed of the sampling; the same seed gives the same text. */
  seed?: number;
  /** Stop when the model writes its end-of-text token (default true). */
  stopAtEos?: boolean;
}

export interface Generation {
  prompt: string;
  promptIds: number[];
  newIds: number[];
  /** The prompt and its continuation, decoded. */
  text: string;
}

export interface LanguageModel extends ContextualEmbedder {
  readonly family: FamilyName;
  readonly objective: Objective;
  /** The tokenizer; absent for models that read characters (ELMo). */
  readonly tokenizer?: Tokenizer;
  /** The longest input in tokens. */
  readonly maxLength: number;
  /** Whether inputs may be pre-split words (`string[]`) rather than text. */
  readonly takesWords: boolean;
  /** Numbers in the weights the model holds (heads included). */
  readonly parameterCount: number;
  embed(inputs: Array<string | string[]>, options?: EmbedOptions): Promise<EmbeddedSentence[]>;
  /** Token-level features of each input (what `wb embed` writes). */
  features(inputs: ModelInput[], options?: FeatureOptions): Promise<TokenFeatures[]>;
  /**
   * The LM head's logits at every token of one text, [tokens][vocab]: what a masked LM predicts
   * for each position, what a causal LM predicts to come after each one.
   */
  lmLogits(text: string): Promise<{ ids: number[]; tokens: string[]; logits: number[][] }>;
  /** Top-k predictions for each mask token in the text (masked LMs). */
  fillMask(text: string, options?: { topK?: number }): Promise<FillMaskPrediction[][]>;
  /** The prompt continued token by token (causal LMs). */
  generate(prompt: string, options?: GenerateOptions): Promise<Generation>;
  dispose(): void;
}

/** The error for a pipeline a model's objective does not support. */
export function unsupported(family: FamilyName, objective: Objective, pipeline: 'fill-mask' | 'generate'): Error {
  const what = objective === 'masked-lm' ? 'a masked LM' : objective === 'causal-lm' ? 'a causal LM' : 'a bidirectional LM over words';
  const need = pipeline === 'fill-mask' ? 'a masked-LM model (BERT, DistilBERT, RoBERTa, ALBERT)' : 'a causal LM (GPT-2)';
  return new Error(`${pipeline}: this ${family} model is ${what}; ${pipeline} needs ${need}`);
}
