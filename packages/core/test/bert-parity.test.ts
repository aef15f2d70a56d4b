/**
 * Parity with ../shared/fixtures/tiny-bert/reference.json (an independent float64 implementation
 * of Hugging Face's BertForPreTraining): every hidden state, the pooler, top-5 MLM ids, NSP logits.
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, expect, it } from 'vitest';
import { describeShared, sharedPath } from '../../../test/support/shared.js';
import { initBackend } from '../src/backend.js';
import { loadBertCheckpoint } from '../src/checkpoint/model-folder.js';
import { bertForward, mlmLogits, nspLogits } from '../src/models/bert.js';
import { maxAbsDiff } from './support/numeric.js';

interface ReferenceCase {
  text: string;
  text_pair?: string;
  ids: number[];
  token_type_ids: number[];
  hidden_states: number[][][];
  pooler_output: number[];
  mlm_top5_ids: number[][];
  mlm_top5_logits: number[][];
  nsp_logits: number[];
}

const TOLERANCE = 1e-4;

describeShared(['fixtures', 'tiny-bert'], 'tiny-bert parity with reference.json', () => {
  let checkpoint: ReturnType<typeof loadBertCheckpoint>;
  let cases: ReferenceCase[];

  beforeAll(async () => {
    await initBackend();
    checkpoint = loadBertCheckpoint(sharedPath('fixtures', 'tiny-bert'));
    cases = JSON.parse(readFileSync(sharedPath('fixtures', 'tiny-bert', 'reference.json'), 'utf8')).cases;
  });

  it('has the reference cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(8);
  });

  it('matches every hidden state, the pooler, MLM top-5 and NSP logits, one sentence at a time', () => {
    const { config, weights } = checkpoint;
    for (const c of cases) {
      tf.tidy(() => {
        const inputIds = tf.tensor2d([c.ids], [1, c.ids.length], 'int32');
        const tokenTypeIds = tf.tensor2d([c.token_type_ids], [1, c.ids.length], 'int32');
        const out = bertForward(weights, config, { inputIds, tokenTypeIds });
        expect(out.hiddenStates).toHaveLength(c.hidden_states.length);
        out.hiddenStates.forEach((h, layer) => {
          const diff = maxAbsDiff((h.arraySync() as number[][][])[0], c.hidden_states[layer]);
          expect(diff, `${c.text} layer ${layer}`).toBeLessThanOrEqual(TOLERANCE);
        });
        expect(maxAbsDiff((out.poolerOutput!.arraySync() as number[][])[0], c.pooler_output)).toBeLessThanOrEqual(TOLERANCE);

        const logits = mlmLogits(weights, config, out.lastHiddenState);
        const { values, indices } = tf.topk(logits, 5);
        expect((indices.arraySync() as number[][][])[0], c.text).toEqual(c.mlm_top5_ids);
        expect(maxAbsDiff((values.arraySync() as number[][][])[0], c.mlm_top5_logits)).toBeLessThanOrEqual(TOLERANCE);

        const nsp = nspLogits(weights, out.poolerOutput!);
        expect(maxAbsDiff((nsp.arraySync() as number[][])[0], c.nsp_logits)).toBeLessThanOrEqual(TOLERANCE);
      });
    }
  });

  it('gives the same values at real positions when sentences are padded into one batch', () => {
    const { config, weights } = checkpoint;
    const longest = Math.max(...cases.map((c) => c.ids.length));
    const pad = (row: number[]) => [...row, ...Array(longest - row.length).fill(0)];
    tf.tidy(() => {
      const inputIds = tf.tensor2d(cases.map((c) => pad(c.ids)), undefined, 'int32');
      const tokenTypeIds = tf.tensor2d(cases.map((c) => pad(c.token_type_ids)), undefined, 'int32');
      const attentionMask = tf.tensor2d(cases.map((c) => pad(c.ids.map(() => 1))), undefined, 'float32');
      const out = bertForward(weights, config, { inputIds, tokenTypeIds, attentionMask });
      const last = out.lastHiddenState.arraySync() as number[][][];
      const pooled = out.poolerOutput!.arraySync() as number[][];
      cases.forEach((c, i) => {
        const real = last[i].slice(0, c.ids.length);
        expect(maxAbsDiff(real, c.hidden_states.at(-1)!), c.text).toBeLessThanOrEqual(TOLERANCE);
        expect(maxAbsDiff(pooled[i], c.pooler_output)).toBeLessThanOrEqual(TOLERANCE);
      });
    });
  });

  it('returns attention probabilities that sum to one over real keys and are zero on padding', () => {
    const { config, weights } = checkpoint;
    tf.tidy(() => {
      const inputIds = tf.tensor2d([[101, 2000, 102, 0, 0]], undefined, 'int32');
      const attentionMask = tf.tensor2d([[1, 1, 1, 0, 0]], undefined, 'float32');
      const out = bertForward(weights, config, { inputIds, attentionMask }, { outputAttentions: true });
      expect(out.attentions).toHaveLength(config.numHiddenLayers);
      const probs = out.attentions![0].arraySync() as number[][][][];
      expect(out.attentions![0].shape).toEqual([1, config.numAttentionHeads, 5, 5]);
      for (const row of probs[0][0]) {
        expect(row[0] + row[1] + row[2]).toBeCloseTo(1, 6);
        expect(row[3]).toBe(0);
        expect(row[4]).toBe(0);
      }
    });
  });
});
