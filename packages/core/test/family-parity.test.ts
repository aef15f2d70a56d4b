/**
 * Parity of every new family with ../shared/fixtures/tiny-{gpt2,distilbert,roberta,albert}/
 * reference.json (an independent float64 implementation of the Hugging Face math): the tokenizer's
 * ids, every hidden state (Hugging Face's output_hidden_states order), the LM head's top-5 ids at
 * every position, GPT-2's 8 greedy tokens; all through `loadModel`, the one loader.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { hasShared, sharedPath } from '../../../test/support/shared.js';
import { initBackend } from '../src/backend.js';
import { loadModel } from '../src/load.js';
import type { LanguageModel, TokenFeatures } from '../src/models/language-model.js';
import { maxAbsDiff } from './support/numeric.js';

interface ReferenceCase {
  text: string;
  ids: number[];
  hidden_states: number[][][];
  lm_top5_ids: number[][];
  greedy_ids?: number[];
}

const TOLERANCE = 1e-4;

/** Indices of the 5 largest values, largest first (ties: lower index first, as torch.topk on CPU). */
function top5(row: number[]): number[] {
  const best: number[] = [];
  for (let i = 0; i < row.length; i++) {
    if (best.length === 5 && row[i] <= row[best[4]]) continue;
    let at = best.length;
    while (at > 0 && row[i] > row[best[at - 1]]) at--;
    best.splice(at, 0, i);
    if (best.length > 5) best.pop();
  }
  return best;
}

for (const [fixture, family] of [
  ['tiny-gpt2', 'gpt2'],
  ['tiny-distilbert', 'distilbert'],
  ['tiny-roberta', 'roberta'],
  ['tiny-albert', 'albert'],
] as const) {
  (hasShared('fixtures', fixture) ? describe : describe.skip)(`${fixture} parity with reference.json`, () => {
    let model: LanguageModel;
    let cases: ReferenceCase[];

    beforeAll(async () => {
      await initBackend();
      model = await loadModel(sharedPath('fixtures', fixture));
      const reference = JSON.parse(readFileSync(sharedPath('fixtures', fixture, 'reference.json'), 'utf8'));
      expect(reference.family).toBe(family);
      cases = reference.cases;
    });

    it(`loads as a ${family} model`, () => {
      expect(model.family).toBe(family);
      expect(cases.length).toBeGreaterThanOrEqual(8);
      expect(model.numLayers).toBe(cases[0].hidden_states.length);
    });

    it('tokenizes every text to the reference ids', () => {
      for (const c of cases) expect(model.tokenizer!.encode(c.text).ids, c.text).toEqual(c.ids);
    });

    it('matches every hidden state within 1e-4, one text at a time and padded in one batch', async () => {
      const alone: TokenFeatures[] = [];
      for (const c of cases) alone.push(...(await model.features([c.text], { allLayers: true })));
      const batched = await model.features(cases.map((c) => c.text), { allLayers: true, batchSize: cases.length });
      cases.forEach((c, i) => {
        expect(alone[i].ids).toEqual(c.ids);
        expect(alone[i].hiddenStates).toHaveLength(c.hidden_states.length);
        expect(maxAbsDiff(alone[i].hiddenStates, c.hidden_states), c.text).toBeLessThanOrEqual(TOLERANCE);
        expect(maxAbsDiff(batched[i].hiddenStates, c.hidden_states), `${c.text} (batched)`).toBeLessThanOrEqual(TOLERANCE);
      });
    });

    it("gives the LM head's top-5 ids at every position", async () => {
      for (const c of cases) {
        const { ids, logits } = await model.lmLogits(c.text);
        expect(ids).toEqual(c.ids);
        expect(logits.map(top5), c.text).toEqual(c.lm_top5_ids);
      }
    });

    if (family === 'gpt2') {
      it('generates the 8 greedy tokens, with the KV cache', async () => {
        for (const c of cases) {
          const out = await model.generate(c.text, { maxNewTokens: 8, stopAtEos: false });
          expect(out.promptIds).toEqual(c.ids);
          expect(out.newIds, c.text).toEqual(c.greedy_ids);
        }
      });
    }
  });
}
