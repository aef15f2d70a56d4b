/**
 * `wb embed`: contextual vectors for every line of a JSONL file, written as JSONL in the same
 * order, for any model folder: token models (BERT, DistilBERT, RoBERTa, ALBERT, GPT-2) give
 * token-level states (and pooler, attentions); word-level models (ELMo) give the layers per word.
 * Both carry the `offsets` of their tokens (or words) in the text, so a word is found by its
 * characters, whatever pieces the tokenizer made of it. The rows come from the model's
 * family-agnostic `features`.
 *
 * `embeddingRows` is the one code path: `wb embed` writes its rows, and `wb eval sense-gap`
 * reads its word vectors from the same rows.
 */
import * as tf from '@tensorflow/tfjs-core';
import { loadModel, scalarMix, type EngineOptions, type LanguageModel, type ModelInput } from '@wb/core/node';
import { openJsonlWriter, readJsonl, type JsonlRecord } from './jsonl.js';
import { ProgressBar } from './progress.js';

export interface EmbedOptions extends EngineOptions {
  model: string;
  input: string;
  output?: string;
  allLayers?: boolean;
  attentions?: boolean;
  batchSize: number;
  maxLength?: number;
  /** ScalarMix parameters, one per layer (softmax-normalised, as AllenNLP stores them); adds "mix". */
  mix?: number[];
  /** The ScalarMix's gamma. */
  mixGamma?: number;
}

export type RowOptions = Pick<EmbedOptions, 'allLayers' | 'attentions' | 'batchSize' | 'maxLength' | 'mix' | 'mixGamma'> & {
  /** Told after each batch how many inputs it held. */
  onBatch?: (inputs: number) => void;
};

/** One output line of `wb embed`. */
export interface EmbedRow {
  tokens: string[];
  /** [start, end) of each token or word in its text; [0, 0] for [CLS]/[SEP], [-1, -1] for pre-split words. */
  offsets: Array<[number, number]>;
  ids?: number[];
  token_type_ids?: number[];
  /** Token models, --all-layers: [layers+1][tokens][hidden], the embeddings output first. */
  hidden_states?: number[][][];
  last_hidden_state?: number[][];
  pooler_output?: number[];
  attentions?: number[][][][];
  /** Word-level models (ELMo): [layers][words][dim], the token layer first. */
  layers?: number[][][];
  /** With --mix: gamma · Σ softmax(s)_l · layer_l per token or word. */
  mix?: number[][];
}

/** Where each input came from, for errors that name the line. */
export interface InputSource {
  file: string;
  lines: number[];
}

/** Token models: a text or a [text, text_pair]; word-level models: a text or its words. */
export type EmbedInput = ModelInput;

interface TextRecord {
  text?: unknown;
  text_pair?: unknown;
  tokens?: unknown;
}

/** `wb embed` for any model folder or hub id. */
export async function embed(options: EmbedOptions): Promise<void> {
  const model = await loadModel(options.model, { engine: options.engine, threads: options.threads, attentions: options.attentions });
  const records = await readJsonl<TextRecord>(options.input);
  const inputs = records.map((record) => inputOf(model, record, options.input));
  const writer = openJsonlWriter(options.output);
  const progress = records.length > options.batchSize ? new ProgressBar(records.length, 'embed', 'texts') : undefined;
  const source = { file: options.input, lines: records.map((r) => r.line) };
  for await (const row of embeddingRows(model, inputs, source, { ...options, onBatch: (n) => progress?.tick(n) })) writer.write(row);
  await writer.close();
  model.dispose();
  if (tf.memory().numTensors > 0 && process.env.WB_DEBUG_LEAKS) {
    process.stderr.write(`wb embed: ${tf.memory().numTensors} tensors still allocated\n`);
  }
}

/**
 * The rows `wb embed` writes for these inputs, in order, a batch at a time. Token models write
 * ids, types, offsets and the hidden states; word-level models (which read words, not token ids)
 * write every layer as `layers`, as AllenNLP's `elmo` command does.
 */
export async function* embeddingRows(model: LanguageModel, inputs: EmbedInput[], source: InputSource, options: RowOptions): AsyncGenerator<EmbedRow> {
  if (options.mix && options.mix.length !== model.numLayers) {
    throw new Error(`--mix has ${options.mix.length} weights but the model has ${model.numLayers} layers`);
  }
  checkLengths(model, inputs, source, options);
  const wordLevel = model.takesWords;
  for (let start = 0; start < inputs.length; start += options.batchSize) {
    const batch = inputs.slice(start, start + options.batchSize);
    let features;
    try {
      features = await model.features(batch, {
        allLayers: options.allLayers || wordLevel || options.mix !== undefined,
        attentions: options.attentions,
        maxLength: options.maxLength,
        batchSize: options.batchSize,
      });
    } catch (e) {
      throw new Error(`${source.file}:${source.lines[start]}${batch.length > 1 ? `-${source.lines[start + batch.length - 1]}` : ''}: ${(e as Error).message}`, { cause: e });
    }
    options.onBatch?.(batch.length);
    for (const f of features) {
      const row: EmbedRow = wordLevel
        ? { tokens: f.tokens, offsets: f.offsets, layers: f.hiddenStates }
        : { tokens: f.tokens, ids: f.ids, token_type_ids: f.tokenTypeIds, offsets: f.offsets };
      if (!wordLevel) {
        if (options.allLayers) row.hidden_states = f.hiddenStates;
        else row.last_hidden_state = f.hiddenStates[f.hiddenStates.length - 1];
        if (f.poolerOutput) row.pooler_output = f.poolerOutput;
        if (f.attentions) row.attentions = f.attentions;
      }
      if (options.mix) row.mix = mixLayers(f.hiddenStates, options.mix, options.mixGamma ?? 1);
      yield row;
    }
  }
}

/** A JSONL record as the model's input: a text or a pair, or (word-level models) a text or its words. */
export function inputOf(model: LanguageModel, { line, value }: JsonlRecord<TextRecord>, file: string): EmbedInput {
  if (model.takesWords) {
    if (value && typeof value === 'object' && Array.isArray(value.tokens) && value.tokens.every((t) => typeof t === 'string')) {
      return value.tokens as string[];
    }
    if (value && typeof value === 'object' && typeof value.text === 'string') return value.text;
    throw new Error(`${file}:${line}: expected {"text": "..."} or {"tokens": ["...", ...]}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error(`${file}:${line}: expected an object like {"text": "..."}`);
  }
  if (typeof value.text !== 'string') {
    throw new Error(`${file}:${line}: expected a "text" string${Array.isArray(value.tokens) ? ' (a "tokens" array is for word-level models such as ELMo)' : ''}`);
  }
  if (value.text_pair === undefined) return value.text;
  if (typeof value.text_pair !== 'string') throw new Error(`${file}:${line}: "text_pair" must be a string`);
  return [value.text, value.text_pair];
}

/** Fails on the first input longer than the model allows, naming its line, unless --max-length truncates. */
function checkLengths(model: LanguageModel, inputs: EmbedInput[], source: InputSource, options: RowOptions) {
  const tokenizer = model.tokenizer;
  if (options.maxLength || !tokenizer) return;
  inputs.forEach((input, i) => {
    if (typeof input !== 'string' && input.length !== 2) {
      throw new Error(`${source.file}:${source.lines[i]}: a ${model.family} model takes a text or a [text, text_pair], not ${input.length} words`);
    }
    const encoding = typeof input === 'string' ? tokenizer.encode(input) : tokenizer.encode(input[0], input[1]);
    if (encoding.ids.length > model.maxLength) {
      throw new Error(
        `${source.file}:${source.lines[i]}: ${encoding.ids.length} tokens, but the model takes at most ${model.maxLength} ` +
          '(its positions, max_position_embeddings); pass --max-length to truncate',
      );
    }
  });
}

/** --mix: core's ScalarMix without layer norm, gamma · Σ softmax(s)_l · layer_l (AllenNLP's scalar_mix.py), over one input's layers [layer][token][dim]. */
function mixLayers(layers: number[][][], scalarParameters: number[], gamma: number): number[][] {
  if (layers[0].length === 0) return [];
  return tf.tidy(() => scalarMix(layers.map((layer) => tf.tensor2d(layer)), tf.tensor1d(scalarParameters), tf.scalar(gamma)).arraySync() as number[][]);
}
