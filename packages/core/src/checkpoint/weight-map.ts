/**
 * A checkpoint's tensors checked against what a family's config needs, before any reaches a
 * model. A family gives its names (canonical: without the model prefix such as `transformer.`),
 * the stored shape of each, which ones may be absent (heads, poolers, a tied decoder), and which
 * stored names are not weights (buffers such as GPT-2's causal `attn.bias`). Prefixes are
 * stripped where present, TF-converted `gamma`/`beta` read as `weight`/`bias`; a missing,
 * unexpected or misshapen tensor is an error naming the file, the tensor and both shapes.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { StoredTensor } from './safetensors.js';

interface WeightSpec {
  /** The checkpoint, for messages. */
  source: string;
  /** Model prefixes stripped where a name has one ('transformer.', 'distilbert.', …). */
  prefixes: string[];
  /** Canonical name → shape as stored (PyTorch layout): must be there. */
  required: Record<string, number[]>;
  /** Canonical name → shape as stored: may be there. */
  optional?: Record<string, number[]>;
  /** Stored names that are not weights, or that the model derives: skipped. */
  ignored?: RegExp[];
  /** Names returned aside, unchecked (task heads for packages/tasks). */
  extra?: RegExp;
  /** The family, for "unexpected weights not used by a GPT-2 of this config". */
  family: string;
}

interface SelectedWeights {
  /** Canonical name → stored tensor, required ones and the optional ones found. */
  tensors: Map<string, StoredTensor>;
  extra: Map<string, StoredTensor>;
}

/** The legacy TF names of LayerNorm parameters. */
function canonicalNormName(name: string): string {
  return name.replace(/((?:LayerNorm|layer_norm|ln_\w+|_norm))\.gamma$/, '$1.weight').replace(/((?:LayerNorm|layer_norm|ln_\w+|_norm))\.beta$/, '$1.bias');
}

export function selectWeights(stored: Map<string, StoredTensor>, spec: WeightSpec): SelectedWeights {
  const named = new Map<string, StoredTensor>();
  const origin = new Map<string, string>();
  for (const [name, tensor] of stored) {
    const prefix = spec.prefixes.find((p) => name.startsWith(p));
    const canonical = canonicalNormName(prefix ? name.slice(prefix.length) : name);
    if (named.has(canonical)) throw new Error(`${spec.source}: "${name}" and "${origin.get(canonical)}" both map to "${canonical}"`);
    named.set(canonical, tensor);
    origin.set(canonical, name);
  }
  const optional = spec.optional ?? {};
  const expected: Record<string, number[]> = { ...spec.required };
  for (const [name, shape] of Object.entries(optional)) if (named.has(name)) expected[name] = shape;
  const extra = new Map<string, StoredTensor>();
  const missing = Object.keys(spec.required).filter((name) => !named.has(name));
  const unexpected: string[] = [];
  for (const [name, tensor] of named) {
    if (name in expected || spec.ignored?.some((re) => re.test(name))) continue;
    if (spec.extra?.test(name)) extra.set(name, tensor);
    else unexpected.push(origin.get(name)!);
  }
  if (missing.length || unexpected.length) {
    const problems = [
      missing.length ? `missing weights for the config (${missing.length}): ${listNames(missing)}` : '',
      unexpected.length ? `unexpected weights not used by a ${spec.family} of this config (${unexpected.length}): ${listNames(unexpected)}` : '',
    ];
    throw new Error(`${spec.source}: ${problems.filter(Boolean).join('; ')}`);
  }
  const mismatched = Object.entries(expected)
    .filter(([name, shape]) => !sameShape(named.get(name)!.shape, shape))
    .map(([name, shape]) => `${origin.get(name)}: config needs [${shape}] but the checkpoint has [${named.get(name)!.shape}]`);
  if (mismatched.length) throw new Error(`${spec.source}: weights do not match config.json:\n  ${mismatched.join('\n  ')}`);
  const tensors = new Map<string, StoredTensor>();
  for (const name of Object.keys(expected)) tensors.set(name, named.get(name)!);
  return { tensors, extra };
}

/** A stored tensor as a tfjs tensor, transposed when the model holds it the other way ([out, in] → [in, out]). */
export function heldTensor(stored: StoredTensor, transpose: boolean): tf.Tensor {
  const tensor = tf.tensor(stored.data, stored.shape, 'float32');
  if (!transpose) return tensor;
  const held = tf.transpose(tensor);
  tensor.dispose();
  return held;
}

/** A held tensor as stored (the inverse of `heldTensor`), for writing checkpoints. */
export function storedData(tensor: tf.Tensor, transpose: boolean): { shape: number[]; data: Float32Array } {
  if (!transpose) return { shape: tensor.shape, data: tensor.dataSync() as Float32Array };
  const stored = tf.transpose(tensor);
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
