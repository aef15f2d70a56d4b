/** Loading BERT checkpoints in every layout real ones come in, and the errors for broken ones. */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../src/backend.js';
import { bertConfigToJson } from '../src/checkpoint/hf-config.js';
import { loadBertCheckpoint, resolveModelDir, saveBertCheckpoint } from '../src/checkpoint/model-folder.js';
import { readSafetensors, writeSafetensors } from '../src/checkpoint/safetensors.js';
import { BERT_DEFAULTS, bertForward, initBertWeights, type BertConfig } from '../src/models/bert.js';
import { maxAbsDiff } from './support/numeric.js';

const config: BertConfig = {
  ...BERT_DEFAULTS,
  vocabSize: 50,
  hiddenSize: 16,
  numHiddenLayers: 2,
  numAttentionHeads: 2,
  intermediateSize: 32,
  maxPositionEmbeddings: 24,
};

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'wb-ckpt-'));
}

/** Writes a folder whose safetensors tensors are renamed/filtered by `edit`. */
function writeVariant(edit: (name: string) => string | null, configOverride: Partial<Record<string, unknown>> = {}) {
  const source = tempDir();
  saveBertCheckpoint(source, { config, weights: initBertWeights(config, undefined, 3) });
  const { tensors } = readSafetensors(readFileSync(join(source, 'model.safetensors')));
  const renamed: Record<string, { shape: number[]; data: Float32Array }> = {};
  for (const [name, t] of tensors) {
    const to = edit(name);
    if (to) renamed[to] = { shape: t.shape, data: t.data };
  }
  const dir = tempDir();
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...bertConfigToJson(config), ...configOverride }));
  writeFileSync(join(dir, 'model.safetensors'), writeSafetensors(renamed));
  return dir;
}

function hidden(dir: string): number[][][] {
  const { config: c, weights } = loadBertCheckpoint(dir);
  return tf.tidy(() => {
    const inputIds = tf.tensor2d([[2, 7, 9, 3]], undefined, 'int32');
    return bertForward(weights, c, { inputIds }).lastHiddenState.arraySync() as number[][][];
  });
}

describe('BERT checkpoints', () => {
  let reference: number[][][];
  let referenceDir: string;

  beforeAll(async () => {
    await initBackend();
    referenceDir = writeVariant((name) => name);
    reference = hidden(referenceDir);
  });

  it('saves and loads back to identical outputs (BertForPreTraining layout, bert. prefix)', () => {
    const stored = readSafetensors(readFileSync(join(referenceDir, 'model.safetensors'))).tensors;
    expect(stored.has('bert.embeddings.word_embeddings.weight')).toBe(true);
    expect(stored.has('cls.seq_relationship.weight')).toBe(true);
    // PyTorch layout on disk: [out, in].
    expect(stored.get('bert.encoder.layer.0.intermediate.dense.weight')!.shape).toEqual([32, 16]);
    const dir = tempDir();
    const loaded = loadBertCheckpoint(referenceDir);
    saveBertCheckpoint(dir, loaded);
    expect(maxAbsDiff(hidden(dir), reference)).toBe(0);
  });

  it('loads the BertModel layout (no prefix, no heads)', () => {
    const dir = writeVariant((name) => (name.startsWith('cls.') ? null : name.replace(/^bert\./, '')));
    expect(maxAbsDiff(hidden(dir), reference)).toBe(0);
    expect(loadBertCheckpoint(dir).weights['cls.predictions.bias']).toBeUndefined();
  });

  it('accepts legacy LayerNorm.gamma / LayerNorm.beta names', () => {
    const dir = writeVariant((name) => name.replace(/LayerNorm\.weight$/, 'LayerNorm.gamma').replace(/LayerNorm\.bias$/, 'LayerNorm.beta'));
    expect(maxAbsDiff(hidden(dir), reference)).toBe(0);
  });

  it('accepts F16 and BF16 checkpoints', () => {
    for (const dtype of ['F16', 'BF16'] as const) {
      const dir = tempDir();
      saveBertCheckpoint(dir, { ...loadBertCheckpoint(referenceDir), dtype });
      const { tensors } = readSafetensors(readFileSync(join(dir, 'model.safetensors')));
      expect(tensors.get('bert.embeddings.word_embeddings.weight')!.dtype).toBe(dtype);
      expect(maxAbsDiff(hidden(dir), reference)).toBeLessThan(dtype === 'F16' ? 5e-3 : 5e-2);
    }
  });

  it('finds the snapshot of a hub cache folder', () => {
    const hub = join(tempDir(), 'models--org--tiny');
    const snapshot = join(hub, 'snapshots', 'abc123');
    mkdirSync(join(hub, 'refs'), { recursive: true });
    saveBertCheckpoint(snapshot, loadBertCheckpoint(referenceDir));
    writeFileSync(join(hub, 'refs', 'main'), 'abc123\n');
    expect(resolveModelDir(hub)).toBe(snapshot);
    expect(maxAbsDiff(hidden(hub), reference)).toBe(0);
  });

  it('names every missing weight', () => {
    const dir = writeVariant((name) => (name.includes('layer.1.output.dense') ? null : name));
    expect(() => loadBertCheckpoint(dir)).toThrow(
      /missing weights for the config \(2\): encoder\.layer\.1\.output\.dense\.weight, encoder\.layer\.1\.output\.dense\.bias/,
    );
  });

  it('names unexpected weights', () => {
    const dir = writeVariant((name) => (name === 'bert.pooler.dense.bias' ? 'bert.pooler.dense.biass' : name));
    expect(() => loadBertCheckpoint(dir)).toThrow(
      /missing weights for the config \(1\): pooler\.dense\.bias; unexpected weights .*\(1\): pooler\.dense\.biass/,
    );
  });

  it('names the tensor and both shapes when config.json disagrees with the weights', () => {
    const dir = writeVariant((name) => name, { intermediate_size: 48 });
    expect(() => loadBertCheckpoint(dir)).toThrow(
      /encoder\.layer\.0\.intermediate\.dense\.weight: config needs \[48,16\] but the checkpoint has \[32,16\]/,
    );
  });

  it('rejects configs that are not BERT or are inconsistent', () => {
    expect(() => loadBertCheckpoint(writeVariant((n) => n, { model_type: 'gpt2' }))).toThrow(/model_type is "gpt2", expected "bert"/);
    expect(() => loadBertCheckpoint(writeVariant((n) => n, { num_attention_heads: 3 }))).toThrow(
      /hidden_size 16 is not a multiple of num_attention_heads 3/,
    );
  });

  it('says what is there when a folder has no safetensors', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'config.json'), JSON.stringify(bertConfigToJson(config)));
    writeFileSync(join(dir, 'pytorch_model.bin'), 'x');
    expect(() => loadBertCheckpoint(dir)).toThrow(/no model\.safetensors .*found: config\.json, pytorch_model\.bin.*converted/);
  });

  it('refuses inputs longer than max_position_embeddings', () => {
    const { config: c, weights } = loadBertCheckpoint(referenceDir);
    const inputIds = tf.zeros([1, 30], 'int32') as tf.Tensor2D;
    expect(() => bertForward(weights, c, { inputIds })).toThrow(/input has 30 tokens but the model has only 24 positions/);
    inputIds.dispose();
  });
});
