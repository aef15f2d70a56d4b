/**
 * The families read checkpoints as they come in the wild, not only as the fixtures store them:
 * without the model prefix, with TF's `gamma`/`beta`, with buffers (GPT-2's `attn.bias`), with the
 * tied head written out, in F16/BF16; and they refuse a broken one with an error that names the
 * file and the tensor. Generation: the KV cache gives the logits of a full forward pass, sampling
 * is reproducible from its seed.
 */
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, expect, it } from 'vitest';
import { describeShared, sharedPath } from '../../../test/support/shared.js';
import { initBackend } from '../src/backend.js';
import { floatToBfloat16, floatToHalf, readSafetensors, writeSafetensors } from '../src/checkpoint/safetensors.js';
import { loadModel } from '../src/load.js';
import { gpt2Forward, gpt2Logits } from '../src/models/gpt2.js';
import type { Gpt2Model } from '../src/models/gpt2-model.js';
import { maxAbsDiff } from './support/numeric.js';

interface ReferenceCase {
  text: string;
  ids: number[];
  hidden_states: number[][][];
  lm_top5_ids: number[][];
  greedy_ids?: number[];
}

const reference = (fixture: string): ReferenceCase[] => JSON.parse(readFileSync(sharedPath('fixtures', fixture, 'reference.json'), 'utf8')).cases;

type Tensors = Record<string, { shape: number[]; data: Float32Array }>;

/** A copy of a fixture folder whose weights are `rewrite(tensors)`, written as `dtype`; `config` patches config.json. */
function variant(fixture: string, rewrite: (tensors: Tensors) => Tensors, options: { dtype?: 'F32' | 'F16' | 'BF16'; config?: Record<string, unknown> } = {}): string {
  const from = sharedPath('fixtures', fixture);
  const dir = mkdtempSync(join(tmpdir(), `wb-${fixture}-`));
  for (const name of readdirSync(from)) if (name !== 'model.safetensors') copyFileSync(join(from, name), join(dir, name));
  const { tensors } = readSafetensors(new Uint8Array(readFileSync(join(from, 'model.safetensors'))));
  const plain: Tensors = {};
  for (const [name, t] of tensors) plain[name] = { shape: t.shape, data: t.data };
  writeFileSync(join(dir, 'model.safetensors'), writeSafetensors(rewrite(plain), { dtype: options.dtype }));
  if (options.config) {
    const config = JSON.parse(readFileSync(join(from, 'config.json'), 'utf8'));
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...config, ...options.config }));
  }
  return dir;
}

const renamed = (tensors: Tensors, rename: (name: string) => string): Tensors => Object.fromEntries(Object.entries(tensors).map(([n, t]) => [rename(n), t]));

/** The values a dtype keeps, as float32 (what an F16/BF16 checkpoint holds). */
function rounded(tensors: Tensors, dtype: 'F16' | 'BF16'): Tensors {
  const word = new Uint32Array(1);
  const wordAsFloat = new Float32Array(word.buffer);
  const bfloat16Value = (bits: number) => ((word[0] = bits << 16), wordAsFloat[0]);
  const back = dtype === 'BF16' ? bfloat16Value : halfValue;
  const convert = dtype === 'F16' ? floatToHalf : floatToBfloat16;
  return Object.fromEntries(Object.entries(tensors).map(([n, t]) => [n, { shape: t.shape, data: Float32Array.from(t.data, (v) => back(convert(v))) }]));
}

function halfValue(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

async function hiddenStates(dir: string, text: string): Promise<number[][][]> {
  const model = await loadModel(dir);
  const [f] = await model.features([text], { allLayers: true });
  model.dispose();
  return f.hiddenStates;
}

describeShared(['fixtures', 'tiny-gpt2'], 'checkpoint variants and generation', () => {
  beforeAll(async () => {
    await initBackend();
  });

  it('GPT-2 without the transformer. prefix, with attn.bias buffers and lm_head.weight written out', async () => {
    const [c] = reference('tiny-gpt2');
    const dir = variant('tiny-gpt2', (t) => {
      const out = renamed(t, (n) => n.replace(/^transformer\./, ''));
      for (let l = 0; l < 2; l++) {
        out[`h.${l}.attn.bias`] = { shape: [1, 1, 72, 72], data: new Float32Array(72 * 72).fill(1) };
        out[`h.${l}.attn.masked_bias`] = { shape: [], data: Float32Array.of(-1e4) };
      }
      out['lm_head.weight'] = t['transformer.wte.weight'];
      return out;
    });
    expect(maxAbsDiff(await hiddenStates(dir, c.text), c.hidden_states)).toBeLessThanOrEqual(1e-4);
  });

  it('DistilBERT with TF names (gamma/beta), no prefix, and the tied projector written out', async () => {
    const [c] = reference('tiny-distilbert');
    const dir = variant('tiny-distilbert', (t) => {
      const out = renamed(t, (n) => n.replace(/^distilbert\./, '').replace(/(layer_norm|LayerNorm)\.weight$/, '$1.gamma').replace(/(layer_norm|LayerNorm)\.bias$/, '$1.beta'));
      out['vocab_projector.weight'] = t['distilbert.embeddings.word_embeddings.weight'];
      return out;
    });
    const model = await loadModel(dir);
    const { logits } = await model.lmLogits(c.text);
    const top = logits.map((row) => Array.from(tf.tidy(() => tf.topk(tf.tensor1d(row), 5).indices.dataSync())));
    expect(top).toEqual(c.lm_top5_ids);
    model.dispose();
  });

  it('RoBERTa with lm_head.decoder written out and a position_ids buffer', async () => {
    const [c] = reference('tiny-roberta');
    const dir = variant('tiny-roberta', (t) => ({
      ...t,
      'lm_head.decoder.weight': t['roberta.embeddings.word_embeddings.weight'],
      'lm_head.decoder.bias': t['lm_head.bias'],
      'roberta.embeddings.position_ids': { shape: [1, 72], data: Float32Array.from({ length: 72 }, (_, i) => i) },
    }));
    expect(maxAbsDiff(await hiddenStates(dir, c.text), c.hidden_states)).toBeLessThanOrEqual(1e-4);
  });

  it('reads F16 and BF16 weights as the values they hold (GPT-2 in F16, ALBERT in BF16)', async () => {
    for (const [fixture, dtype] of [['tiny-gpt2', 'F16'], ['tiny-albert', 'BF16']] as const) {
      const [c] = reference(fixture);
      {
        const half = await hiddenStates(variant(fixture, (t) => t, { dtype }), c.text);
        const same = await hiddenStates(variant(fixture, (t) => rounded(t, dtype)), c.text);
        expect(maxAbsDiff(half, same), `${fixture} ${dtype}`).toBeLessThanOrEqual(1e-6);
        // Rounding the weights moves the states, but not far: the loader did not misread them.
        expect(maxAbsDiff(half, c.hidden_states), `${fixture} ${dtype}`).toBeLessThan(dtype === 'F16' ? 0.02 : 0.2);
      }
    }
  });

  it('names the file, the tensor and the shapes when a checkpoint does not fit its config', async () => {
    const missing = variant('tiny-gpt2', (t) => Object.fromEntries(Object.entries(t).filter(([n]) => n !== 'transformer.h.1.mlp.c_fc.bias')));
    await expect(loadModel(missing)).rejects.toThrow(/model\.safetensors.*missing weights for the config \(1\): h\.1\.mlp\.c_fc\.bias/);
    const extra = variant('tiny-albert', (t) => ({ ...t, 'albert.encoder.albert_layer_groups.1.albert_layers.0.ffn.bias': t['albert.encoder.albert_layer_groups.0.albert_layers.0.ffn.bias'] }));
    await expect(loadModel(extra)).rejects.toThrow(/unexpected weights not used by a ALBERT of this config \(1\): albert\.encoder\.albert_layer_groups\.1/);
    const wider = variant('tiny-distilbert', (t) => t, { config: { hidden_dim: 48 } });
    await expect(loadModel(wider)).rejects.toThrow(/distilbert\.transformer\.layer\.0\.ffn\.lin1\.weight: config needs \[48,32\] but the checkpoint has \[64,32\]/);
    const heads = variant('tiny-gpt2', (t) => t, { config: { n_head: 5 } });
    await expect(loadModel(heads)).rejects.toThrow(/config\.json: n_embd 32 is not a multiple of n_head 5/);
    const unknown = variant('tiny-gpt2', (t) => t, { config: { model_type: 't5' } });
    await expect(loadModel(unknown)).rejects.toThrow(/config\.json: model_type "t5" is not one this workbench loads \(bert, distilbert, roberta, xlm-roberta, albert, gpt2\)/);
    const huge = variant('tiny-roberta', (t) => t, { config: { num_hidden_layers: 1_000_000 } });
    await expect(loadModel(huge)).rejects.toThrow(/config\.json: "num_hidden_layers" must be an integer from 1 to 256, got 1000000/);
  });

  it('generates with the KV cache exactly what full forward passes predict', async () => {
    const model = (await loadModel(sharedPath('fixtures', 'tiny-gpt2'))) as Gpt2Model;
    const [c] = reference('tiny-gpt2');
    const out = await model.generate(c.text, { maxNewTokens: 6, stopAtEos: false });
    const ids = [...out.promptIds];
    for (const next of out.newIds) {
      const logits = tf.tidy(() => {
        const { lastHiddenState } = gpt2Forward(model.weights, model.config, { inputIds: tf.tensor2d([ids], [1, ids.length], 'int32') });
        return gpt2Logits(model.weights, tf.slice(lastHiddenState, [0, ids.length - 1, 0], [1, 1, -1])).dataSync();
      });
      expect(next).toBe(tf.tidy(() => tf.argMax(tf.tensor1d(Float32Array.from(logits))).dataSync()[0]));
      ids.push(next);
    }
    model.dispose();
  });

  it('samples reproducibly from a seed; top-k 1 and temperature 0 are greedy', async () => {
    const model = await loadModel(sharedPath('fixtures', 'tiny-gpt2'));
    const prompt = 'The bank of the river';
    const greedy = await model.generate(prompt, { maxNewTokens: 5 });
    const a = await model.generate(prompt, { maxNewTokens: 5, temperature: 1.5, topP: 0.9, seed: 7 });
    const b = await model.generate(prompt, { maxNewTokens: 5, temperature: 1.5, topP: 0.9, seed: 7 });
    const others = await Promise.all([1, 2, 3].map((seed) => model.generate(prompt, { maxNewTokens: 5, temperature: 1.5, seed })));
    expect(b.newIds).toEqual(a.newIds);
    expect(others.some((o) => JSON.stringify(o.newIds) !== JSON.stringify(a.newIds))).toBe(true);
    expect((await model.generate(prompt, { maxNewTokens: 5, topK: 1, temperature: 2, seed: 3 })).newIds).toEqual(greedy.newIds);
    expect((await model.generate(prompt, { maxNewTokens: 5, temperature: 0 })).newIds).toEqual(greedy.newIds);
    expect(greedy.text).toBe(model.tokenizer!.decode([...greedy.promptIds, ...greedy.newIds]));
    await expect(model.generate(prompt, { topP: 1.5 })).rejects.toThrow('top-p must be in (0, 1], got 1.5');
    await expect(model.fillMask('a <mask>')).rejects.toThrow('fill-mask: this gpt2 model is a causal LM; fill-mask needs a masked-LM model');
    model.dispose();
  });
});
