/**
 * Hugging Face BERT checkpoints: `config.json` + `model.safetensors` (or a sharded
 * `model.safetensors.index.json`) in any of the BertModel / BertForMaskedLM / BertForPreTraining
 * layouts, checked against the config before a single tensor reaches the model.
 */
import * as tf from '@tensorflow/tfjs-core';
import { bertWeightShapes, isLinearWeight, type BertConfig, type BertWeights } from '../models/bert.js';
import { parseConfigJson } from './config-fields.js';
import { bertConfigFromJson, bertConfigToJson } from './hf-config.js';
import { readSafetensors, writeSafetensors, type StoredTensor } from './safetensors.js';
import { normaliseWeightNames } from './weight-names.js';

/** Names that checkpoints carry but the model derives or does not use. */
const IGNORED = [/^embeddings\.position_ids$/, /^cls\.predictions\.decoder\.bias$/];
/** Task heads (BertForSequenceClassification, ...) are returned for packages/tasks, not rejected. */
const TASK_HEAD = /^(classifier|qa_outputs)\./;

export interface BertCheckpoint {
  config: BertConfig;
  weights: BertWeights;
  /** Task-head tensors found beside the encoder (e.g. `classifier.weight`). */
  extra: Record<string, tf.Tensor>;
  /** The raw config.json, for fields the encoder does not use (labels, ...). */
  configJson: Record<string, unknown>;
}

export interface StoredBert {
  config: BertConfig;
  configJson: Record<string, unknown>;
  tensors: Map<string, StoredTensor>;
  /** Where the tensors came from (the weight file), for messages. */
  source: string;
  /** Where the config came from, for messages (default "config.json"). */
  configSource?: string;
}

/** Validates stored tensors against the config and turns them into tfjs tensors. */
export function bertFromStored({ config, configJson, tensors, source, configSource = 'config.json' }: StoredBert): BertCheckpoint {
  const named = normaliseWeightNames(tensors, 'bert.', source);
  const has = (name: string) => named.has(name);
  // BertForPreTraining may store the MLM bias only as the decoder's bias.
  if (!has('cls.predictions.bias') && has('cls.predictions.decoder.bias')) {
    named.set('cls.predictions.bias', named.get('cls.predictions.decoder.bias')!);
  }
  const expected = bertWeightShapes(config, {
    pooler: has('pooler.dense.weight'),
    mlm: has('cls.predictions.transform.dense.weight'),
    nsp: has('cls.seq_relationship.weight'),
  });
  if (has('cls.predictions.decoder.weight')) expected['cls.predictions.decoder.weight'] = [config.vocabSize, config.hiddenSize];

  const missing = Object.keys(expected).filter((name) => !has(name));
  const unexpected = [...named.keys()].filter(
    (name) => !(name in expected) && !TASK_HEAD.test(name) && !IGNORED.some((re) => re.test(name)),
  );
  if (missing.length || unexpected.length) {
    const problems = [
      missing.length ? `missing weights for the config (${missing.length}): ${listNames(missing)}` : '',
      unexpected.length ? `unexpected weights not used by a BERT of this config (${unexpected.length}): ${listNames(unexpected)}` : '',
    ];
    throw new Error(`${source}: ${problems.filter(Boolean).join('; ')} (the config is ${configSource})`);
  }
  const mismatched = Object.entries(expected)
    .filter(([name, shape]) => !sameShape(named.get(name)!.shape, shape))
    .map(([name, shape]) => `${name}: config needs [${shape}] but the checkpoint has [${named.get(name)!.shape}]`);
  if (mismatched.length) {
    throw new Error(`${source}: weights do not match ${configSource}:\n  ${mismatched.join('\n  ')}`);
  }

  const weights: BertWeights = {};
  for (const name of Object.keys(expected)) weights[name] = toHeldTensor(name, named.get(name)!);
  const extra: Record<string, tf.Tensor> = {};
  for (const [name, t] of named) if (TASK_HEAD.test(name)) extra[name] = toHeldTensor(name, t);
  return { config, weights, extra, configJson };
}

export function parseBertConfig(text: string, source: string): { config: BertConfig; configJson: Record<string, unknown> } {
  const json = parseConfigJson(text, source);
  // bertConfigFromJson refuses anything but an object (a config.json of `null` included).
  return { config: bertConfigFromJson(json, source), configJson: json as Record<string, unknown> };
}

/** Encoder, pooler and heads as safetensors in the BertForPreTraining layout (`bert.` prefix). */
export function bertToSafetensors(
  weights: BertWeights,
  options: { dtype?: 'F32' | 'F16' | 'BF16'; extra?: Record<string, tf.Tensor> } = {},
): Uint8Array {
  const out: Record<string, { shape: number[]; data: Float32Array }> = {};
  for (const [name, t] of Object.entries(weights)) out[name.startsWith('cls.') ? name : `bert.${name}`] = toStored(name, t);
  for (const [name, t] of Object.entries(options.extra ?? {})) out[name] = toStored(name, t);
  return writeSafetensors(out, { dtype: options.dtype, metadata: { format: 'pt' } });
}

export { bertConfigToJson, readSafetensors };

/** Checkpoint tensor → the tensor the model holds (linear weights transposed to [in, out]). */
function toHeldTensor(name: string, t: StoredTensor): tf.Tensor {
  const tensor = tf.tensor(t.data, t.shape, 'float32');
  if (!isLinearWeight(name, t.shape)) return tensor;
  const held = tf.transpose(tensor);
  tensor.dispose();
  return held;
}

/** The inverse of toHeldTensor, for writing PyTorch-layout checkpoints. */
function toStored(name: string, t: tf.Tensor): { shape: number[]; data: Float32Array } {
  if (!isLinearWeight(name, t.shape)) return { shape: t.shape, data: t.dataSync() as Float32Array };
  const stored = tf.transpose(t);
  const data = stored.dataSync() as Float32Array;
  stored.dispose();
  return { shape: stored.shape, data };
}

function sameShape(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function listNames(names: string[]): string {
  return names.length > 12 ? `${names.slice(0, 12).join(', ')}, ... (${names.length - 12} more)` : names.join(', ');
}
