/** The three head kinds: output shapes, the ignore-index loss, and a checkpoint round trip. */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, type BertWeights } from '@wb/core';
import {
  crossEntropyIgnoring,
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
  it('sequence classification: [batch, numLabels] from the pooler or the raw [CLS] state, pairs included', () => {
    const weights = { ...base, ...initSequenceClassificationHead(config, 3, 1) };
    const { padded } = inputs(['the film is good', 'bad', ['the film was good', 'and very great']]);
    expect(padded.tokenTypeIds.slice(2 * padded.seq, 3 * padded.seq)).toContain(1);
    const pooled = tf.tidy(() => sequenceClassificationLogits(weights, config, toBertInputs(padded)));
    const cls = tf.tidy(() => sequenceClassificationLogits(weights, config, toBertInputs(padded), { pooling: 'cls' }));
    expect(pooled.shape).toEqual([3, 3]);
    expect(cls.shape).toEqual([3, 3]);
    // Different summaries of [CLS], so different logits.
    expect(Array.from(pooled.dataSync())).not.toEqual(Array.from(cls.dataSync()));
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

  it('token classification: [batch, seq, numLabels]', () => {
    const weights = { ...base, ...initTokenClassificationHead(config, 5, 1) };
    const { padded } = inputs(['johanson visited montreal', 'paris']);
    const logits = tf.tidy(() => tokenClassificationLogits(weights, config, toBertInputs(padded)));
    expect(logits.shape).toEqual([2, padded.seq, 5]);
    logits.dispose();
  });

  it('question answering: start and end logits [batch, seq]', () => {
    const weights = { ...base, ...initQuestionAnsweringHead(config, 1) };
    const { padded } = inputs([['who went to paris ?', 'anna smith went to paris .'], ['where ?', 'berlin']]);
    const { startLogits, endLogits } = questionAnsweringLogits(weights, config, toBertInputs(padded));
    expect(startLogits.shape).toEqual([2, padded.seq]);
    expect(endLogits.shape).toEqual([2, padded.seq]);
    expect(Array.from(startLogits.dataSync())).not.toEqual(Array.from(endLogits.dataSync()));
    tf.dispose([startLogits, endLogits]);
  });

  it('a head that is missing or the wrong size is a clear error', () => {
    const { padded } = inputs(['good']);
    expect(() => tokenClassificationLogits(base, config, toBertInputs(padded))).toThrow(/no classifier\.weight/);
    const wrong = { ...base, ...initSequenceClassificationHead(tinyConfig({ hiddenSize: 8 }), 2, 0) };
    expect(() => sequenceClassificationLogits(wrong, config, toBertInputs(padded))).toThrow(/expected \[16, n\]/);
  });
});

describe('crossEntropyIgnoring', () => {
  it('averages over the positions not labelled -100, as PyTorch ignore_index', () => {
    const logits = tf.tensor2d([
      [2, 0, 0],
      [0, 1, 0],
      [5, 5, 5],
      [0, 0, 3],
    ]);
    const loss = crossEntropyIgnoring(logits, Int32Array.from([0, -100, -100, 2]));
    const lse = (row: number[]) => Math.log(row.reduce((s, x) => s + Math.exp(x), 0));
    const expected = (lse([2, 0, 0]) - 2 + (lse([0, 0, 3]) - 3)) / 2;
    expect(loss.dataSync()[0]).toBeCloseTo(expected, 5);
    expect(crossEntropyIgnoring(logits, Int32Array.from([-100, -100, -100, -100])).dataSync()[0]).toBeCloseTo(0, 9);
    expect(() => crossEntropyIgnoring(logits, Int32Array.from([0, 0, 7, 0]))).toThrow(/label 7 at row 2/);
  });
});
