/**
 * `wb embed`: contextual vectors for every line of a JSONL file, written as JSONL in the same
 * order. BERT folders give token-level states (and pooler, attentions); ELMo folders give the
 * biLM's layers per word.
 */
import * as tf from '@tensorflow/tfjs-core';
import { detectModelFamily, loadBert, loadElmo, type BertInput, type BertModel } from '@wb/core/node';
import { openJsonlWriter, readJsonl, type JsonlRecord } from './jsonl.js';
import { ProgressBar } from './progress.js';

export interface EmbedOptions {
  model: string;
  input: string;
  output?: string;
  allLayers?: boolean;
  attentions?: boolean;
  batchSize: number;
  maxLength?: number;
  /** ELMo: ScalarMix parameters, one per layer (softmax-normalised, as AllenNLP stores them). */
  mix?: number[];
  /** ELMo: the ScalarMix's gamma. */
  mixGamma?: number;
}

interface TextRecord {
  text?: unknown;
  text_pair?: unknown;
  tokens?: unknown;
}

export async function embedBert(options: EmbedOptions): Promise<void> {
  const bert = await loadBert(options.model);
  const records = await readJsonl<TextRecord>(options.input);
  const inputs = records.map((r) => bertInput(r, options.input));
  checkLengths(bert, records, inputs, options);

  const writer = openJsonlWriter(options.output);
  const progress = records.length > options.batchSize ? new ProgressBar(records.length, 'embed', 'texts') : undefined;
  for (let start = 0; start < inputs.length; start += options.batchSize) {
    const batch = inputs.slice(start, start + options.batchSize);
    const run = bert.run(batch, {
      maxLength: options.maxLength,
      truncation: options.maxLength ? 'longest_first' : false,
      outputAttentions: options.attentions,
    });
    const { outputs } = run;
    const hidden = options.allLayers
      ? await Promise.all(outputs.hiddenStates.map((h) => h.array()))
      : [await outputs.lastHiddenState.array()];
    const pooled = outputs.poolerOutput ? await outputs.poolerOutput.array() : undefined;
    const attentions = outputs.attentions ? await Promise.all(outputs.attentions.map((a) => a.array())) : undefined;
    run.encodings.forEach((encoding, i) => {
      const n = encoding.attentionMask.reduce((a, b) => a + b, 0);
      const row: Record<string, unknown> = {
        tokens: encoding.tokens.slice(0, n),
        ids: encoding.ids.slice(0, n),
        token_type_ids: encoding.tokenTypeIds.slice(0, n),
        offsets: encoding.offsets.slice(0, n),
      };
      if (options.allLayers) row.hidden_states = hidden.map((layer) => layer[i].slice(0, n));
      else row.last_hidden_state = hidden[0][i].slice(0, n);
      if (pooled) row.pooler_output = pooled[i];
      if (attentions) row.attentions = attentions.map((layer) => layer[i].map((head) => head.slice(0, n).map((r) => r.slice(0, n))));
      writer.write(row);
    });
    run.dispose();
    progress?.tick(batch.length);
  }
  await writer.close();
  bert.dispose();
  if (tf.memory().numTensors > 0 && process.env.WB_DEBUG_LEAKS) {
    process.stderr.write(`wb embed: ${tf.memory().numTensors} tensors still allocated\n`);
  }
}

function bertInput({ line, value }: JsonlRecord<TextRecord>, file: string): BertInput {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error(`${file}:${line}: expected an object like {"text": "..."}`);
  }
  if (typeof value.text !== 'string') {
    throw new Error(`${file}:${line}: expected a "text" string${Array.isArray(value.tokens) ? ' (a "tokens" array is for ELMo models)' : ''}`);
  }
  if (value.text_pair === undefined) return value.text;
  if (typeof value.text_pair !== 'string') throw new Error(`${file}:${line}: "text_pair" must be a string`);
  return [value.text, value.text_pair];
}

/** Fails on the first input longer than the model allows, naming its line, unless --max-length truncates. */
function checkLengths(bert: BertModel, records: Array<JsonlRecord<unknown>>, inputs: BertInput[], options: EmbedOptions) {
  if (options.maxLength) return;
  const limit = bert.config.maxPositionEmbeddings;
  inputs.forEach((input, i) => {
    const [encoding] = bert.tokenizer.encodeBatch([input], { truncation: false });
    if (encoding.ids.length > limit) {
      throw new Error(
        `${options.input}:${records[i].line}: ${encoding.ids.length} tokens, but the model takes at most ${limit} ` +
          '(max_position_embeddings); pass --max-length to truncate',
      );
    }
  });
}

/** `wb embed` for any model folder: BERT (config.json) or AllenNLP ELMo (options.json + hdf5). */
export async function embed(options: EmbedOptions): Promise<void> {
  return detectModelFamily(options.model) === 'elmo' ? embedElmo(options) : embedBert(options);
}

/** ELMo: one line per input with its words and the biLM's layers [n_layers+1][words][2·dim]. */
export async function embedElmo(options: EmbedOptions): Promise<void> {
  const elmo = await loadElmo(options.model);
  const records = await readJsonl<TextRecord>(options.input);
  const inputs = records.map(({ line, value }) => {
    if (value && typeof value === 'object' && Array.isArray(value.tokens) && value.tokens.every((t) => typeof t === 'string')) {
      return value.tokens as string[];
    }
    if (value && typeof value === 'object' && typeof value.text === 'string') return value.text;
    throw new Error(`${options.input}:${line}: expected {"text": "..."} or {"tokens": ["...", ...]}`);
  });
  if (options.mix && options.mix.length !== elmo.numLayers) {
    throw new Error(`--mix has ${options.mix.length} weights but the model has ${elmo.numLayers} layers`);
  }
  const weights = options.mix ? softmax(options.mix).map((w) => w * (options.mixGamma ?? 1)) : undefined;
  const writer = openJsonlWriter(options.output);
  const progress = records.length > options.batchSize ? new ProgressBar(records.length, 'embed', 'texts') : undefined;
  for (let start = 0; start < inputs.length; start += options.batchSize) {
    const batch = inputs.slice(start, start + options.batchSize);
    const sentences = await elmo.embed(batch, { batchSize: options.batchSize });
    for (const sentence of sentences) {
      const layers = Array.from({ length: elmo.numLayers }, (_, l) => sentence.words.map((w) => Array.from(w.layers[l])));
      const row: Record<string, unknown> = { tokens: sentence.words.map((w) => w.word), layers };
      // ScalarMix without layer norm: gamma · Σ softmax(s)_l · layer_l (AllenNLP's scalar_mix.py).
      if (weights) row.mix = sentence.words.map((w) => Array.from(w.layers[0], (_, d) => weights.reduce((sum, a, l) => sum + a * w.layers[l][d], 0)));
      writer.write(row);
    }
    progress?.tick(batch.length);
  }
  await writer.close();
}

function softmax(xs: number[]): number[] {
  const max = Math.max(...xs);
  const exps = xs.map((x) => Math.exp(x - max));
  const total = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / total);
}
