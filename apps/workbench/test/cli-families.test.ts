/**
 * `wb embed`, `wb fill-mask` and `wb generate` on the GPT-2, DistilBERT, RoBERTa and ALBERT
 * fixtures, end to end through the built CLI: the reference ids and hidden states, each
 * tokenizer's own mask token, GPT-2's greedy tokens, and clear refusals where a family cannot.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { describeShared, sharedPath } from '../../../test/support/shared.js';
import { wbRun } from './support/cli.js';

interface ReferenceCase {
  text: string;
  ids: number[];
  hidden_states: number[][][];
  greedy_ids?: number[];
}

const cases = (fixture: string): ReferenceCase[] => JSON.parse(readFileSync(sharedPath('fixtures', fixture, 'reference.json'), 'utf8')).cases;

function maxAbsDiff(a: number[][][], b: number[][][]): number {
  let worst = 0;
  a.forEach((layer, l) => layer.forEach((row, t) => row.forEach((x, d) => (worst = Math.max(worst, Math.abs(x - b[l][t][d]))))));
  return worst;
}

describeShared(['fixtures', 'tiny-gpt2'], 'wb on the GPT-2, DistilBERT, RoBERTa and ALBERT fixtures', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'wb-families-'));
  });

  for (const fixture of ['tiny-gpt2', 'tiny-distilbert', 'tiny-roberta', 'tiny-albert']) {
    it(`embed --all-layers: ${fixture}'s reference ids and hidden states`, async () => {
      const input = join(dir, `${fixture}.jsonl`);
      writeFileSync(input, cases(fixture).map((c) => JSON.stringify({ text: c.text })).join('\n') + '\n');
      const result = await wbRun(['embed', '--model', sharedPath('fixtures', fixture), '--input', input, '--all-layers', '--batch-size', '3']);
      expect(result.code, result.stderr).toBe(0);
      const rows = result.stdout.trim().split('\n').map((l) => JSON.parse(l));
      expect(rows).toHaveLength(cases(fixture).length);
      rows.forEach((row, i) => {
        const c = cases(fixture)[i];
        expect(row.ids).toEqual(c.ids);
        expect(row.offsets).toHaveLength(c.ids.length);
        expect(row.hidden_states).toHaveLength(c.hidden_states.length);
        expect(maxAbsDiff(row.hidden_states, c.hidden_states), c.text).toBeLessThanOrEqual(1e-4);
      });
    });
  }

  it("fill-mask: RoBERTa's <mask> (taking the space before it) and DistilBERT's [MASK]", async () => {
    const roberta = await wbRun(['fill-mask', '--model', sharedPath('fixtures', 'tiny-roberta'), '--top-k', '3', 'The river has a <mask>.']);
    expect(roberta.code, roberta.stderr).toBe(0);
    const { masks } = JSON.parse(roberta.stdout);
    expect(masks).toHaveLength(1);
    expect(masks[0]).toHaveLength(3);
    expect(masks[0][0].score).toBeGreaterThanOrEqual(masks[0][1].score);
    // The candidate fills the mask's place in the decoded text.
    expect(masks[0][0].sequence).toBe(`The river has a${masks[0][0].token.replace(/^\u0120/, ' ')}.`);
    const distil = await wbRun(['fill-mask', '--model', sharedPath('fixtures', 'tiny-distilbert'), '--top-k', '2', 'the [MASK] of the river']);
    expect(distil.code, distil.stderr).toBe(0);
    expect(JSON.parse(distil.stdout).masks[0]).toHaveLength(2);
    const none = await wbRun(['fill-mask', '--model', sharedPath('fixtures', 'tiny-roberta'), "BERT's [MASK] is not RoBERTa's"]);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('has no <mask> token');
  });

  it("generate: greedy by default, GPT-2's reference tokens, one JSON object", async () => {
    const c = cases('tiny-gpt2')[0];
    const result = await wbRun(['generate', '--model', sharedPath('fixtures', 'tiny-gpt2'), '--max-new-tokens', '8', c.text]);
    expect(result.code, result.stderr).toBe(0);
    const out = JSON.parse(result.stdout);
    expect(Object.keys(out)).toEqual(['prompt', 'prompt_ids', 'new_ids', 'text']);
    expect(out.prompt).toBe(c.text);
    expect(out.prompt_ids).toEqual(c.ids);
    expect(out.new_ids).toEqual(c.greedy_ids);
    expect(out.text.startsWith(c.text)).toBe(true);
  });

  it('generate: sampling with a seed repeats itself', async () => {
    const args = ['generate', '--model', sharedPath('fixtures', 'tiny-gpt2'), '--max-new-tokens', '4', '--temperature', '1.2', '--top-k', '50', '--top-p', '0.95', '--seed', '11', 'Hello'];
    const [a, b] = await Promise.all([wbRun(args), wbRun(args)]);
    expect(a.code, a.stderr).toBe(0);
    expect(JSON.parse(a.stdout).new_ids).toHaveLength(4);
    expect(a.stdout).toBe(b.stdout);
  });

  it('refuses what a family cannot do, saying why', async () => {
    const [gen, fill] = await Promise.all([
      wbRun(['generate', '--model', sharedPath('fixtures', 'tiny-distilbert'), 'Hello']),
      wbRun(['fill-mask', '--model', sharedPath('fixtures', 'tiny-gpt2'), 'Hello <mask>']),
    ]);
    expect(gen.code).toBe(1);
    expect(gen.stderr).toContain('generate: this distilbert model is a masked LM; generate needs a causal LM (GPT-2)');
    expect(fill.code).toBe(1);
    expect(fill.stderr).toContain('fill-mask: this gpt2 model is a causal LM');
  });
});
