/** `--engine onnxruntime` and `wb export onnx`, end to end through the built CLI, on the tiny-bert fixture. */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, expect, it } from 'vitest';
import { describeShared, hasShared, sharedPath } from '../../../test/support/shared.js';
import { wbRun } from './support/cli.js';

interface Reference {
  cases: Array<{ text: string; text_pair?: string; ids: number[]; hidden_states: number[][][]; pooler_output: number[] }>;
}

function maxAbsDiff(a: unknown, b: unknown): number {
  if (Array.isArray(a)) return a.reduce((worst: number, x, i) => Math.max(worst, maxAbsDiff(x, (b as unknown[])[i])), 0);
  return Math.abs((a as number) - (b as number));
}

describeShared(['fixtures', 'tiny-bert'], 'wb --engine onnxruntime and wb export onnx', () => {
  const model = sharedPath('fixtures', 'tiny-bert');
  let reference: Reference;
  let dir: string;
  let input: string;

  beforeAll(() => {
    reference = JSON.parse(readFileSync(join(model, 'reference.json'), 'utf8'));
    dir = mkdtempSync(join(tmpdir(), 'wb-cli-onnx-'));
    input = join(dir, 'in.jsonl');
    writeFileSync(
      input,
      reference.cases.map((c) => JSON.stringify(c.text_pair ? { text: c.text, text_pair: c.text_pair } : { text: c.text })).join('\n') + '\n',
    );
  });

  it('embed --engine onnxruntime: every hidden state and the pooler of each padded batch match the reference', async () => {
    const output = join(dir, 'onnx.jsonl');
    const result = await wbRun(['embed', '--model', model, '--input', input, '--output', output, '--all-layers', '--batch-size', '3', '--engine', 'onnxruntime']);
    expect(result.code, result.stderr).toBe(0);
    const rows = readFileSync(output, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(rows).toHaveLength(reference.cases.length);
    rows.forEach((row, i) => {
      const c = reference.cases[i];
      expect(row.ids).toEqual(c.ids);
      expect(row.hidden_states).toHaveLength(3);
      expect(maxAbsDiff(row.hidden_states, c.hidden_states), c.text).toBeLessThan(1e-4);
      expect(maxAbsDiff(row.pooler_output, c.pooler_output), c.text).toBeLessThan(1e-4);
    });
  });

  it('embed --engine onnxruntime refuses --attentions, and ELMo folders, saying what to use', async () => {
    const attentions = await wbRun(['embed', '--model', model, '--input', input, '--attentions', '--engine', 'onnxruntime']);
    expect(attentions.code).not.toBe(0);
    expect(attentions.stderr).toContain('the onnxruntime engine does not return attention probabilities; use the tfjs engine for them');
    if (hasShared('fixtures', 'allennlp-elmo')) {
      const elmo = sharedPath('fixtures', 'allennlp-elmo');
      const refused = await wbRun(['embed', '--model', elmo, '--input', input, '--engine', 'onnxruntime']);
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toContain(`${elmo}: the onnxruntime engine runs BERT and DistilBERT encoders only, not elmo models; use the tfjs engine (or auto)`);
    }
    const unknown = await wbRun(['embed', '--model', model, '--input', input, '--engine', 'torch']);
    expect(unknown.stderr).toContain("argument 'torch' is invalid. Allowed choices are auto, tfjs, onnxruntime.");
  });

  it('eval probe --engine onnxruntime scores as the tfjs engine does', async () => {
    if (!hasShared('data', 'sst2', 'dev.tsv')) return;
    const scores = [];
    for (const engine of ['tfjs', 'onnxruntime']) {
      const result = await wbRun(['eval', 'probe', '--model', model, '--data', sharedPath('data', 'sst2', 'dev.tsv'), '--limit', '60', '--pooling', 'mean', '--engine', engine]);
      expect(result.code, result.stderr).toBe(0);
      const { accuracy, macro_f1, train_n, test_n } = JSON.parse(result.stdout);
      scores.push({ accuracy, macro_f1, train_n, test_n });
    }
    expect(scores[1].test_n).toBe(15);
    expect(scores[1].accuracy).toBeCloseTo(scores[0].accuracy, 6);
    expect(scores[1].macro_f1).toBeCloseTo(scores[0].macro_f1, 6);
  });

  it('the default engine (auto) is ONNX Runtime for BERT and DistilBERT, tfjs with --attentions and for other families', async () => {
    const senseGapDev = fileURLToPath(new URL('../../../packages/tasks/data/sense-gap-dev.jsonl', import.meta.url));
    const probe = (extra: string[], folder = model) =>
      wbRun(['eval', 'sense-gap', '--model', folder, '--data', senseGapDev, ...extra]).then((r) => {
        expect(r.code, r.stderr).toBe(0);
        return JSON.parse(r.stdout) as { engine: string; gap: number };
      });
    const auto = await probe([]);
    const tfjs = await probe(['--engine', 'tfjs']);
    expect(auto.engine).toBe('onnxruntime');
    expect(tfjs.engine).toBe('tfjs');
    expect(auto.gap).toBeCloseTo(tfjs.gap, 5);
    if (hasShared('fixtures', 'allennlp-elmo')) expect((await probe([], sharedPath('fixtures', 'allennlp-elmo'))).engine).toBe('tfjs');
    if (hasShared('fixtures', 'tiny-distilbert')) {
      const distil = sharedPath('fixtures', 'tiny-distilbert');
      const [onOrt, onTfjs] = [await probe([], distil), await probe(['--engine', 'tfjs'], distil)];
      expect([onOrt.engine, onTfjs.engine]).toEqual(['onnxruntime', 'tfjs']);
      expect(onOrt.gap).toBeCloseTo(onTfjs.gap, 5);
    }
    if (hasShared('fixtures', 'tiny-roberta')) expect((await probe([], sharedPath('fixtures', 'tiny-roberta'))).engine).toBe('tfjs');
    // Attention probabilities come from tfjs only: auto picks it rather than failing.
    const withAttentions = await wbRun(['embed', '--model', model, '--input', input, '--attentions', '--output', join(dir, 'att.jsonl')]);
    expect(withAttentions.code, withAttentions.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'att.jsonl'), 'utf8').split('\n')[0]).attentions).toHaveLength(2);
  });

  it('export onnx: a lone .onnx file, or a Transformers.js folder', async () => {
    const file = join(dir, 'tiny.onnx');
    const alone = await wbRun(['export', 'onnx', '--model', model, '--out', file]);
    expect(alone.code, alone.stderr).toBe(0);
    expect(JSON.parse(alone.stdout)).toMatchObject({ onnx: file, files: [file] });
    expect(readFileSync(file).length).toBe(JSON.parse(alone.stdout).bytes);

    const folder = join(dir, 'tiny-bert-onnx');
    const laidOut = await wbRun(['export', 'onnx', '--model', model, '--out', folder]);
    expect(laidOut.code, laidOut.stderr).toBe(0);
    for (const name of ['onnx/model.onnx', 'config.json', 'tokenizer.json', 'tokenizer_config.json']) expect(existsSync(join(folder, name)), name).toBe(true);

    const missing = await wbRun(['export', 'onnx', '--model', join(dir, 'nowhere'), '--out', join(dir, 'x.onnx')]);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain(join(dir, 'nowhere'));
  });
});
