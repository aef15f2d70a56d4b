/** The three head kinds: output shapes and values against the forward pass by hand, padding, and clear errors. */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { bertForward, initBackend, type BertWeights } from '@wb/core';
import {
  initQuestionAnsweringHead,
  initSequenceClassificationHead,
  initTokenClassificationHead,
  padBatch,
  questionAnsweringLogits,
  sequenceClassificationLogits,
  toBertInputs,
  tokenClassificationLogits,
} from '../src/index.js';
import { tinyConfig, tinyTokenizer, tinyWeights } from './support/tiny-random-bert.js';

const config = tinyConfig();
const tokenizer = tinyTokenizer();
let base: BertWeights;

beforeAll(async () => {
  await initBackend('wasm');
  base = tinyWeights(config);
});

function inputs(texts: Array<string | [string, string]>) {
  const encoded = texts.map((t) => {
    const e = typeof t === 'string' ? tokenizer.encode(t) : tokenizer.encode(t[0], t[1]);
    return { ids: e.ids, typeIds: e.tokenTypeIds };
  });
  return { padded: padBatch(encoded, tokenizer.padTokenId), encoded };
}

describe('heads', () => {
  it('sequence classification: [batch, numLabels], the pooler\'s tanh(W·h[CLS] + b) or the raw [CLS] state · W + b, pairs included', () => {
    // A bias that is not zero, so that leaving it out shows.
    const weights: BertWeights = { ...base, ...initSequenceClassificationHead(config, 3, 1), 'classifier.bias': tf.tensor1d([0.5, -0.25, 1]) };
    const { padded } = inputs(['the film is good', 'bad', ['the film was good', 'and very great']]);
    expect(padded.tokenTypeIds.slice(2 * padded.seq, 3 * padded.seq)).toContain(1);
    const pooled = tf.tidy(() => sequenceClassificationLogits(weights, config, toBertInputs(padded)));
    const cls = tf.tidy(() => sequenceClassificationLogits(weights, config, toBertInputs(padded), { pooling: 'cls' }));
    expect(pooled.shape).toEqual([3, 3]);
    expect(cls.shape).toEqual([3, 3]);
    // By hand, from each input's top-layer [CLS] state (position 0).
    const clsStates = [lastHiddenStates(weights, padded).map((tokens) => tokens[0])];
    const poolerOut = linearByHand(clsStates, weights['pooler.dense.weight'], weights['pooler.dense.bias']).map((rows) => rows.map((row) => row.map(Math.tanh)));
    expectClose(pooled.arraySync() as number[][], linearByHand(poolerOut, weights['classifier.weight'], weights['classifier.bias'])[0]);
    expectClose(cls.arraySync() as number[][], linearByHand(clsStates, weights['classifier.weight'], weights['classifier.bias'])[0]);
    tf.dispose([pooled, cls]);
    expect(() => initSequenceClassificationHead(config, 1, 0)).toThrow(/at least 2 labels/);
  });

  it('sequence classification: padding does not change an input\'s logits', () => {
    const weights = { ...base, ...initSequenceClassificationHead(config, 2, 1) };
    const alone = tf.tidy(() => sequenceClassificationLogits(weights, config, toBertInputs(inputs(['bad']).padded)));
    const padded = tf.tidy(() => sequenceClassificationLogits(weights, config, toBertInputs(inputs(['bad', 'the film is very very good']).padded)));
    const a = alone.dataSync();
    const b = padded.dataSync();
    for (let k = 0; k < 2; k++) expect(b[k]).toBeCloseTo(a[k], 5);
    tf.dispose([alone, padded]);
  });

  it('token classification: [batch, seq, numLabels], each token\'s last hidden state · W + b', () => {
    const head = initTokenClassificationHead(config, 5, 1);
    // A bias that is not zero, so that leaving it out shows.
    const weights: BertWeights = { ...base, ...head, 'classifier.bias': tf.tensor1d([0.5, -0.25, 0, 1, -1]) };
    const { padded } = inputs(['johanson visited montreal', 'paris']);
    const logits = tf.tidy(() => tokenClassificationLogits(weights, config, toBertInputs(padded)));
    expect(logits.shape).toEqual([2, padded.seq, 5]);
    const expected = linearByHand(lastHiddenStates(weights, padded), weights['classifier.weight'], weights['classifier.bias']);
    expectClose(logits.arraySync() as number[][][], expected);
    logits.dispose();
  });

  it('question answering: start and end logits [batch, seq], columns 0 and 1 of hidden · W + b', () => {
    const head = initQuestionAnsweringHead(config, 1);
    const weights: BertWeights = { ...base, ...head, 'qa_outputs.bias': tf.tensor1d([0.75, -0.5]) };
    const { padded } = inputs([['who went to paris ?', 'anna smith went to paris .'], ['where ?', 'berlin']]);
    const { startLogits, endLogits } = questionAnsweringLogits(weights, config, toBertInputs(padded));
    expect(startLogits.shape).toEqual([2, padded.seq]);
    expect(endLogits.shape).toEqual([2, padded.seq]);
    const both = linearByHand(lastHiddenStates(weights, padded), weights['qa_outputs.weight'], weights['qa_outputs.bias']);
    expectClose(startLogits.arraySync() as number[][], both.map((row) => row.map((v) => v[0])));
    expectClose(endLogits.arraySync() as number[][], both.map((row) => row.map((v) => v[1])));
    tf.dispose([startLogits, endLogits]);
  });

  it('a head that is missing or the wrong size is a clear error', () => {
    const { padded } = inputs(['good']);
    expect(() => tokenClassificationLogits(base, config, toBertInputs(padded))).toThrow(/no classifier\.weight/);
    const wrong = { ...base, ...initSequenceClassificationHead(tinyConfig({ hiddenSize: 8 }), 2, 0) };
    expect(() => sequenceClassificationLogits(wrong, config, toBertInputs(padded))).toThrow(/expected \[16, n\]/);
  });
});

/** The encoder's last hidden states [batch][seq][hidden], straight from core's forward pass. */
function lastHiddenStates(weights: BertWeights, padded: ReturnType<typeof padBatch>): number[][][] {
  return tf.tidy(() => bertForward(weights, config, toBertInputs(padded)).lastHiddenState.arraySync() as number[][][]);
}

/** x · W + b with plain loops: [batch][seq][in] · [in][out] + [out]. */
function linearByHand(x: number[][][], weight: tf.Tensor, bias: tf.Tensor): number[][][] {
  const W = weight.arraySync() as number[][];
  const b = bias.arraySync() as number[];
  return x.map((row) => row.map((h) => b.map((bk, k) => h.reduce((sum, hd, d) => sum + hd * W[d][k], bk))));
}

function expectClose(actual: unknown[], expected: unknown[]): void {
  const flat = (v: unknown[]): number[] => v.flat(Infinity as 1) as number[];
  const a = flat(actual);
  const e = flat(expected);
  expect(a).toHaveLength(e.length);
  a.forEach((x, i) => expect(x).toBeCloseTo(e[i], 4));
}
