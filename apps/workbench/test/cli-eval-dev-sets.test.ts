/**
 * `wb eval sense-gap` and `wb eval cloze` end to end on the tiny fixtures: the gaps must be the
 * ones computed here from `wb embed --all-layers` rows (word found by character offsets, also
 * when WordPiece splits it), and the cloze hits the ones read off `wb fill-mask`.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { describeShared, sharedPath } from '../../../test/support/shared.js';
import { wbRun } from './support/cli.js';

interface Item {
  text: string;
  word: string;
  sense: string;
  start: number;
  end: number;
}

/** Two words × two senses × two sentences; "quokka" is split by bert-base's WordPiece, "Bank" is capitalised. */
function senseData(): Item[] {
  const rows: Array<[string, string, string]> = [
    ['The quokka hopped across the grass.', 'quokka', 'animal'],
    ['A small quokka ate the leaves.', 'quokka', 'animal'],
    ['He sold the quokka shares at a loss.', 'quokka', 'stock'],
    ['The quokka fund paid a dividend.', 'quokka', 'stock'],
    ['Bank clerks counted the money.', 'bank', 'money'],
    ['She asked the bank for a loan.', 'bank', 'money'],
    ['We fished from the muddy bank.', 'bank', 'river'],
    ['The river bank was steep.', 'bank', 'river'],
  ];
  return rows.map(([text, word, sense]) => {
    const start = text.toLowerCase().indexOf(word);
    return { text, word, sense, start, end: start + word.length };
  });
}

function writeLines(dir: string, name: string, values: unknown[]): string {
  const path = join(dir, name);
  writeFileSync(path, values.map((v) => JSON.stringify(v)).join('\n') + '\n');
  return path;
}

function cosine(a: number[], b: number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  a.forEach((x, i) => ((dot += x * b[i]), (na += x * x), (nb += b[i] * b[i])));
  return dot / Math.sqrt(na * nb);
}

/** The per-layer mean gap, recomputed from embed rows: pieces inside [start, end), their mean, pair cosines. */
function gapsFromRows(items: Item[], rows: Array<{ offsets: [number, number][]; hidden_states?: number[][][]; layers?: number[][][] }>) {
  const vectors = rows.map((row, i) => {
    const pieces = row.offsets.flatMap(([s, e], p) => (e > s && s >= items[i].start && e <= items[i].end ? [p] : []));
    const layers = row.hidden_states ?? row.layers!;
    return layers.map((layer) => layer[0].map((_, d) => pieces.reduce((sum, p) => sum + layer[p][d], 0) / pieces.length));
  });
  const words = [...new Set(items.map((i) => i.word))];
  return vectors[0].map((_, layer) => {
    const gaps = words.map((word) => {
      const members = items.flatMap((item, i) => (item.word === word ? [i] : []));
      const same: number[] = [];
      const other: number[] = [];
      for (const [k, i] of members.entries()) {
        for (const j of members.slice(k + 1)) (items[i].sense === items[j].sense ? same : other).push(cosine(vectors[i][layer], vectors[j][layer]));
      }
      const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
      return mean(same) - mean(other);
    });
    return { gap: gaps.reduce((a, b) => a + b, 0) / gaps.length, positive: gaps.filter((g) => g > 0).length };
  });
}

async function checkSenseGap(model: string, expectedLayers: number) {
  const dir = mkdtempSync(join(tmpdir(), 'wb-sense-gap-'));
  const items = senseData();
  const data = writeLines(dir, 'sense.jsonl', items);
  const input = writeLines(dir, 'texts.jsonl', items.map(({ text }) => ({ text })));
  const result = await wbRun(['eval', 'sense-gap', '--model', model, '--data', data, '--batch-size', '3']);
  expect(result.code, result.stderr).toBe(0);
  const out = JSON.parse(result.stdout);
  const embedded = await wbRun(['embed', '--model', model, '--input', input, '--all-layers']);
  expect(embedded.code, embedded.stderr).toBe(0);
  const rows = embedded.stdout.trim().split('\n').map((line) => JSON.parse(line));
  const expected = gapsFromRows(items, rows);

  expect(out).toMatchObject({ task: 'sense-gap', n: 8, words: 2 });
  expect(out.layers).toHaveLength(expectedLayers);
  out.layers.forEach((layer: { layer: number; gap: number; positive_words: number }, l: number) => {
    expect(layer.layer).toBe(l);
    expect(layer.gap).toBeCloseTo(expected[l].gap, 5);
    expect(layer.positive_words).toBe(expected[l].positive);
  });
  const best = expected.reduce((b, g, l) => (g.gap > expected[b].gap ? l : b), 0);
  expect(out.best_layer).toBe(best);
  expect(out.gap).toBe(out.layers[best].gap);
  expect(Object.keys(out.per_word)).toEqual(['quokka', 'bank']);
  // One vector per word form: the static baseline cannot tell senses apart.
  expect(out.static).toEqual({ gap: 0, positive_words: 0 });
  return { out, rows };
}

describeShared(['fixtures', 'tiny-bert'], 'wb eval sense-gap and cloze with tiny-bert', () => {
  const model = sharedPath('fixtures', 'tiny-bert');

  it('sense-gap: per-layer gaps of the embed rows\' hidden_states, a split word by its offsets', async () => {
    const { rows } = await checkSenseGap(model, 3);
    // "quokka" is more than one WordPiece, so a lookup by token string would not find it.
    expect(rows[0].tokens).not.toContain('quokka');
    expect(rows[0].tokens.filter((t: string) => t.startsWith('##')).length).toBeGreaterThan(0);
  });

  it('sense-gap: offsets that miss the word name the line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wb-sense-gap-'));
    const bad = senseData();
    bad[2] = { ...bad[2], start: bad[2].start + 1 };
    const result = await wbRun(['eval', 'sense-gap', '--model', model, '--data', writeLines(dir, 'bad.jsonl', bad)]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('bad.jsonl:3: characters 13–18 of the text are "uokka", not the word "quokka"');
  });

  it('cloze: hits are the sentences with an acceptable word among fill-mask\'s top k', async () => {
    const texts = ['The cat sat on the [MASK].', 'Paris is the capital of [MASK].'];
    const filled = await Promise.all(texts.map((text) => wbRun(['fill-mask', '--model', model, '--top-k', '5', text])));
    const tokens = filled.map((r) => JSON.parse(r.stdout).masks[0].map((m: { token: string }) => m.token) as string[]);
    // Sentence 1 accepts fill-mask's third choice (upper-cased: case is ignored); sentence 2 none of its five.
    const dir = mkdtempSync(join(tmpdir(), 'wb-cloze-'));
    const data = writeLines(dir, 'cloze.jsonl', [
      { text: texts[0], answers: ['zebra', tokens[0][2].toUpperCase()] },
      { text: texts[1], answers: ['zebra'] },
    ]);
    const top5 = await wbRun(['eval', 'cloze', '--model', model, '--data', data]);
    expect(top5.code, top5.stderr).toBe(0);
    const out = JSON.parse(top5.stdout);
    expect(out).toMatchObject({ task: 'cloze', hits: 1, n: 2, accuracy: 0.5, top_k: 5, answerable: 2 });
    expect(out.items.map((i: { predictions: string[] }) => i.predictions)).toEqual(tokens);
    expect(out.items.map((i: { rank: number | null }) => i.rank)).toEqual([3, null]);
    // With the top 2 only, the third choice is out of reach.
    const top2 = await wbRun(['eval', 'cloze', '--model', model, '--data', data, '--top-k', '2']);
    expect(JSON.parse(top2.stdout)).toMatchObject({ hits: 0, n: 2, top_k: 2 });
  });
});

describeShared(['fixtures', 'allennlp-elmo'], 'wb eval sense-gap with an ELMo', () => {
  it('reads ELMo\'s layers by word offsets; layer 0 (the char CNN) sees no context, so its gap is 0', async () => {
    const { out, rows } = await checkSenseGap(sharedPath('fixtures', 'allennlp-elmo'), 3);
    expect(out.layers[0].gap).toBe(0);
    expect(rows[0].tokens).toEqual(['The', 'quokka', 'hopped', 'across', 'the', 'grass', '.']);
    expect(rows[0].offsets).toEqual([[0, 3], [4, 10], [11, 17], [18, 24], [25, 28], [29, 34], [34, 35]]);
  });

  it('cloze refuses an ELMo with a clear message', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wb-cloze-'));
    const data = writeLines(dir, 'c.jsonl', [{ text: 'a [MASK]', answers: ['b'] }]);
    const result = await wbRun(['eval', 'cloze', '--model', sharedPath('fixtures', 'allennlp-elmo'), '--data', data]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('(elmo, bilm) fills no mask: cloze needs a masked LM with a mask token (BERT, DistilBERT, RoBERTa, ALBERT)');
  });
});
