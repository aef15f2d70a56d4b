/** Byte-level BPE training, causal-LM data, and a short GPT pretraining run that learns, loads, generates and resumes exactly. */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../src/backend.js';
import { loadModel } from '../src/load.js';
import { CausalLmData } from '../src/pretrain/gpt-data.js';
import { pretrainGpt, type GptPretrainSettings } from '../src/pretrain/run-gpt.js';
import { ByteLevelWordCounter, END_OF_TEXT, mergesText, trainByteLevelBpe } from '../src/tokenize/bpe-trainer.js';
import { byteLevelBpeTokenizer } from '../src/tokenize/byte-level-bpe.js';
import { PLAIN_TEMPLATE } from '../src/tokenize/templates.js';
import { Rng } from '../src/train/rng.js';

beforeAll(async () => {
  await initBackend('wasm');
});

const RIVER = 'the bank of the river was steep and the water ran fast past the old mill';
const MONEY = 'she paid the money into the bank and the clerk counted every coin twice';

describe('trainByteLevelBpe', () => {
  const counter = new ByteLevelWordCounter();
  for (let i = 0; i < 20; i++) counter.add(i % 2 ? RIVER : MONEY);
  const trained = trainByteLevelBpe(counter.counts, { vocabSize: 290, minFrequency: 2 });
  const tokenizer = byteLevelBpeTokenizer(trained.vocab, mergesText(trained.merges), {
    template: PLAIN_TEMPLATE,
    specialTokens: { bos: END_OF_TEXT, eos: END_OF_TEXT, unk: END_OF_TEXT },
  });

  it('starts from <|endoftext|> and the 256 bytes, then adds one token per merge up to the size', () => {
    expect(trained.vocab[END_OF_TEXT]).toBe(0);
    expect(trained.stoppedBy).toBe('vocabSize');
    expect(Object.keys(trained.vocab)).toHaveLength(290);
    expect(Object.values(trained.vocab).sort((a, b) => a - b)).toEqual(Array.from({ length: 290 }, (_, i) => i));
    // The first merge is the most frequent adjacent pair of the counted words.
    const pairs = new Map<string, number>();
    for (const [word, count] of counter.counts) {
      const chars = Array.from(word);
      for (let i = 0; i + 1 < chars.length; i++) pairs.set(`${chars[i]} ${chars[i + 1]}`, (pairs.get(`${chars[i]} ${chars[i + 1]}`) ?? 0) + count);
    }
    expect(pairs.get(trained.merges[0])).toBe(Math.max(...pairs.values()));
    expect(tokenizer.tokenize(' the bank')).toEqual(['\u0120the', '\u0120bank']);
  });

  it('encodes any text, seen or not, and decodes it back exactly', () => {
    for (const text of [RIVER, 'Naïve 😀 text with ZEBRAS and 12,345 digits.', '  spaces\tand\nnewlines ']) {
      expect(tokenizer.decode(tokenizer.encode(text).ids)).toBe(text);
    }
  });
});

describe('CausalLmData', () => {
  const documents = Array.from({ length: 10 }, (_, d) => Array.from({ length: 20 }, (_, i) => 1 + d * 100 + i));
  const data = new CausalLmData(documents, 0, 8, 5);

  it('joins documents with <|endoftext|> and holds every 5th out', () => {
    expect(data.train.length).toBe(8 * 21);
    expect(data.heldOut.length).toBe(2 * 21);
    expect(Array.from(data.heldOut.slice(0, 3))).toEqual([401, 402, 403]);
    expect(data.train[20]).toBe(0);
  });

  it('gives windows whose labels are the next tokens', () => {
    const batch = data.batch(new Rng(3), 4);
    for (let b = 0; b < 4; b++) {
      const start = data.train.indexOf(batch.inputIds[b * 8]);
      for (let t = 0; t < 8; t++) expect(batch.labels[b * 8 + t]).toBe(data.train[start + t + 1]);
    }
    const heldOut = data.heldOutBatches(3);
    expect(heldOut.reduce((n, b) => n + b.batchSize, 0)).toBe(5);
  });
});

describe('pretrainGpt', () => {
  const root = mkdtempSync(join(tmpdir(), 'wb-pretrain-gpt-'));
  const corpus = join(root, 'corpus');
  mkdirSync(corpus);
  const docs = Array.from({ length: 24 }, (_, d) => Array.from({ length: 4 }, (_, s) => (d % 2 ? RIVER : MONEY).split(' ').slice(s, s + 8).join(' ')).join('\n'));
  writeFileSync(join(corpus, 'tiny.txt'), docs.join('\n\n') + '\n');
  const tokenizer = join(root, 'tokenizer');
  const counter = new ByteLevelWordCounter();
  for (const doc of docs) for (const line of doc.split('\n')) counter.add(line);
  const trained = trainByteLevelBpe(counter.counts, { vocabSize: 300 });
  mkdirSync(tokenizer);
  writeFileSync(join(tokenizer, 'vocab.json'), JSON.stringify(trained.vocab));
  writeFileSync(join(tokenizer, 'merges.txt'), mergesText(trained.merges));
  const settings: GptPretrainSettings = {
    corpus,
    tokenizer,
    layers: 2,
    hidden: 32,
    heads: 2,
    inner: 64,
    maxLength: 24,
    batchSize: 6,
    accumulation: 1,
    steps: 24,
    lr: 3e-3,
    warmup: 2,
    weightDecay: 0.01,
    maxGradNorm: 1,
    seed: 5,
    heldOutEvery: 6,
  };

  it('lowers the loss, writes a GPT-2 folder with its held-out perplexity, and resumes bit for bit', async () => {
    const straight = join(root, 'straight');
    const run = await pretrainGpt(straight, settings, { checkpointEvery: 8 });
    const history = run.trainer.state.history;
    const mean = (rs: typeof history) => rs.reduce((s, r) => s + r.loss, 0) / rs.length;
    expect(mean(history.slice(-4))).toBeLessThan(mean(history.slice(0, 4)) - 1);
    const summary = JSON.parse(readFileSync(join(straight, 'training.json'), 'utf8'));
    expect(summary.model).toBe('GPT2LMHeadModel');
    // Far better than guessing among 300 tokens, on documents it never trained on.
    expect(summary.heldOut.perplexity).toBeLessThan(100);
    expect(summary.heldOut.tokens).toBeGreaterThan(0);

    const model = await loadModel(straight);
    expect([model.family, model.numLayers, model.dim, model.maxLength]).toEqual(['gpt2', 3, 32, 24]);
    const out = await model.generate('the bank of the', { maxNewTokens: 3 });
    expect(out.newIds).toHaveLength(3);
    expect(out.text.startsWith('the bank of the')).toBe(true);
    model.dispose();

    const interrupted = join(root, 'interrupted');
    const stopped = await pretrainGpt(interrupted, settings, { checkpointEvery: 8, stopAfter: 10 });
    expect(stopped.stopped).toBe(true);
    tf.dispose(Object.values(stopped.trainer.options.params));
    await pretrainGpt(interrupted, settings, { checkpointEvery: 8, resume: true });
    expect(Buffer.compare(readFileSync(join(straight, 'model.safetensors')), readFileSync(join(interrupted, 'model.safetensors')))).toBe(0);
  });

  it('trains with gradient workers (workers) to the same weights as on one thread', async () => {
    const split = { ...settings, batchSize: 3, accumulation: 2, steps: 4, heldOutEvery: 0 };
    await pretrainGpt(join(root, 'one-thread'), split);
    const parallel = await pretrainGpt(join(root, 'two-threads'), { ...split, workers: 1 });
    expect(parallel.trainer.options.helpers?.count).toBe(1);
    expect(Buffer.compare(readFileSync(join(root, 'one-thread', 'model.safetensors')), readFileSync(join(root, 'two-threads', 'model.safetensors')))).toBe(0);
  });
});
