/** BertModel: per-word vectors (WordPieces pooled), fill-mask and NSP on the tiny-bert fixture. */
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, expect, it } from 'vitest';
import { describeShared, sharedPath } from '../../../test/support/shared.js';
import { initBackend } from '../src/backend.js';
import { cosineSimilarity, findWord } from '../src/embed.js';
import { loadBert } from '../src/load.js';
import { bertToSafetensors } from '../src/checkpoint/bert-checkpoint.js';
import { bertForward, type BertWeights } from '../src/models/bert.js';
import type { BertModel } from '../src/models/bert-model.js';
import { maxAbsDiff } from './support/numeric.js';

interface ReferenceCase {
  text: string;
  ids: number[];
  hidden_states: number[][][];
  nsp_logits: number[];
  text_pair?: string;
}

/** GELU with erf (BERT's "gelu"); erf by Abramowitz & Stegun 7.1.26 (error below 1.5e-7). */
function gelu(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const erf = 1 - (((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t) * Math.exp(-z * z);
  return 0.5 * x * (1 + Math.sign(x) * erf);
}

function mean(rows: number[][]): number[] {
  return rows[0].map((_, d) => rows.reduce((sum, row) => sum + row[d], 0) / rows.length);
}

describeShared(['fixtures', 'tiny-bert'], 'BertModel on tiny-bert', () => {
  let bert: BertModel;
  let cases: ReferenceCase[];

  beforeAll(async () => {
    await initBackend();
    bert = await loadBert(sharedPath('fixtures', 'tiny-bert'));
    cases = JSON.parse(readFileSync(sharedPath('fixtures', 'tiny-bert', 'reference.json'), 'utf8')).cases;
  });

  it('gives one vector per word and layer, the mean of its WordPieces by default', async () => {
    const c = cases[0]; // "I went to the bank to deposit my paycheck." — paycheck = pay ##che ##ck
    const [sentence] = await bert.embed([c.text]);
    expect(sentence.words.map((w) => w.word)).toEqual(['I', 'went', 'to', 'the', 'bank', 'to', 'deposit', 'my', 'paycheck', '.']);
    const paycheck = findWord(sentence, 'paycheck');
    expect(c.text.slice(paycheck.start, paycheck.end)).toBe('paycheck');
    expect(paycheck.layers).toHaveLength(3);
    for (let layer = 0; layer < 3; layer++) {
      const pieces = c.hidden_states[layer].slice(9, 12);
      expect(maxAbsDiff(Array.from(paycheck.layers[layer]), mean(pieces))).toBeLessThan(1e-4);
    }
    const bank = findWord(sentence, 'bank');
    expect(maxAbsDiff(Array.from(bank.layers[2]), c.hidden_states[2][5])).toBeLessThan(1e-4);
  });

  it('pools the first WordPiece on request, and takes pre-split words', async () => {
    const c = cases[0];
    const [sentence] = await bert.embed([c.text.replace('.', ' .').split(' ')], { pooling: 'first' });
    const paycheck = findWord(sentence, 'paycheck');
    expect(paycheck.start).toBe(-1);
    expect(maxAbsDiff(Array.from(paycheck.layers[2]), c.hidden_states[2][9])).toBeLessThan(1e-4);
  });

  it('tells the two banks apart in context while their input embeddings are identical', async () => {
    const [money, river] = await bert.embed([cases[0].text, cases[1].text], { batchSize: 2 });
    const a = findWord(money, 'bank');
    const b = findWord(river, 'bank');
    // Layer 0 adds position embeddings, so the raw word embedding differs only by position there;
    // the top layer mixes in context.
    expect(cosineSimilarity(a.layers[2], b.layers[2])).toBeLessThan(0.999);
    expect(() => findWord(money, 'river')).toThrow(/"river" does not occur 1 time\(s\)/);
  });

  it('fill-mask is the MLM head on the [MASK] state, worked out by hand: the top-k words, their softmax scores, the filled text', async () => {
    const text = 'I want [MASK] pizza.';
    const [predictions] = await bert.fillMask(text, { topK: 4 });
    // The encoder's [MASK] state (the encoder itself is checked against Transformers above) ...
    const { ids } = bert.tokenizer.encode(text);
    const vocab = readFileSync(sharedPath('fixtures', 'tiny-bert', 'vocab.txt'), 'utf8').split('\n');
    const maskAt = ids.indexOf(vocab.indexOf('[MASK]'));
    const hidden = tf.tidy(() => (bertForward(bert.weights, bert.config, { inputIds: tf.tensor2d([ids], undefined, 'int32') }).lastHiddenState.arraySync() as number[][][])[0][maskAt]);
    // ... through BertLMPredictionHead in plain loops: dense, erf GELU, LayerNorm, the tied decoder + bias, softmax.
    const w = (name: string) => bert.weights[name].arraySync() as number[] & number[][];
    const matrix = (name: string) => bert.weights[name].arraySync() as number[][];
    const dense = w('cls.predictions.transform.dense.weight'); // [in, out]
    const denseBias = w('cls.predictions.transform.dense.bias');
    const transformed = denseBias.map((b, o) => gelu(hidden.reduce((sum, h, i) => sum + h * dense[i][o], b)));
    const mu = transformed.reduce((a, b) => a + b) / transformed.length;
    const variance = transformed.reduce((a, b) => a + (b - mu) ** 2, 0) / transformed.length;
    const gamma = w('cls.predictions.transform.LayerNorm.weight');
    const beta = w('cls.predictions.transform.LayerNorm.bias');
    const normed = transformed.map((x, i) => ((x - mu) / Math.sqrt(variance + bert.config.layerNormEps)) * gamma[i] + beta[i]);
    const embeddings = matrix('embeddings.word_embeddings.weight'); // [vocab, hidden]
    const decoderBias = w('cls.predictions.bias');
    const logits = embeddings.map((row, v) => row.reduce((sum, e, i) => sum + e * normed[i], decoderBias[v]));
    const max = Math.max(...logits);
    const total = logits.reduce((sum, l) => sum + Math.exp(l - max), 0);
    const top = logits.map((l, id) => ({ id, score: Math.exp(l - max) / total })).sort((a, b) => b.score - a.score).slice(0, 4);

    expect(predictions.map((p) => p.tokenId)).toEqual(top.map((t) => t.id));
    expect(predictions.map((p) => p.token)).toEqual(top.map((t) => vocab[t.id]));
    predictions.forEach((p, k) => expect(p.score).toBeCloseTo(top[k].score, 5));
    // The uncased text with the word in the mask's place (a ## piece joins the word before it).
    const filled = (token: string) => (token.startsWith('##') ? `i want${token.slice(2)} pizza.` : `i want ${token} pizza.`);
    expect(predictions.map((p) => p.sequence)).toEqual(top.map((t) => filled(vocab[t.id])));
  });

  it('next-sentence prediction reproduces the reference NSP logits', async () => {
    for (const c of cases.filter((x) => x.text_pair)) {
      const { logits, isNext } = await bert.nextSentence(c.text, c.text_pair!);
      expect(maxAbsDiff(logits, c.nsp_logits)).toBeLessThan(1e-4);
      expect(isNext).toBeCloseTo(1 / (1 + Math.exp(c.nsp_logits[1] - c.nsp_logits[0])), 5);
    }
  });

  it("says what a checkpoint without the heads is, from config.json's architectures", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wb-headless-'));
    for (const file of ['vocab.txt', 'tokenizer_config.json']) copyFileSync(sharedPath('fixtures', 'tiny-bert', file), join(dir, file));
    const config = JSON.parse(readFileSync(sharedPath('fixtures', 'tiny-bert', 'config.json'), 'utf8'));
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...config, architectures: ['BertForSequenceClassification'] }));
    const encoderOnly = Object.fromEntries(Object.entries(bert.weights).filter(([name]) => !name.startsWith('cls.'))) as BertWeights;
    writeFileSync(join(dir, 'model.safetensors'), bertToSafetensors(encoderOnly));
    const headless = await loadBert(dir);
    try {
      await expect(headless.fillMask('a [MASK]')).rejects.toThrow('fill-mask needs a checkpoint with the masked-LM head; this bert checkpoint (a BertForSequenceClassification) has none');
      await expect(headless.nextSentence('a', 'b')).rejects.toThrow(
        'next-sentence prediction needs a checkpoint with the pooler and NSP head (BertForPreTraining); this bert checkpoint (a BertForSequenceClassification) has none',
      );
    } finally {
      headless.dispose();
    }
  });
});
