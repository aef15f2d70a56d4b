/**
 * A decoder and a student of our own, end to end through the built CLI on tiny settings:
 * `wb vocab --type bpe` → `wb pretrain gpt` → `wb generate`, and `wb distill` from the tiny-bert
 * teacher → `wb fill-mask` on the DistilBERT it writes.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { describeShared, sharedPath } from '../../../test/support/shared.js';
import { wbRun } from './support/cli.js';

describeShared(['fixtures', 'tiny-bert'], 'wb vocab --type bpe, wb pretrain gpt, wb distill', () => {
  let root: string;
  let corpus: string;

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'wb-gpt-distill-'));
    corpus = join(root, 'corpus');
    mkdirSync(corpus);
    const river = 'the bank of the river was steep and the water ran fast past the old mill';
    const money = 'she paid the money into the bank and the clerk counted every coin twice';
    const docs = Array.from({ length: 24 }, (_, d) => Array.from({ length: 4 }, (_, s) => (d % 2 ? river : money).split(' ').slice(s, s + 8).join(' ')).join('\n'));
    writeFileSync(join(corpus, 'tiny.txt'), docs.join('\n\n') + '\n');
  });

  it('trains a byte-level BPE, then a GPT-2 that loads and generates', { timeout: 300_000 }, async () => {
    const tokenizer = join(root, 'bpe');
    const vocab = await wbRun(['vocab', '--type', 'bpe', '--corpus', corpus, '--size', '300', '--out', tokenizer]);
    expect(vocab.code, vocab.stderr).toBe(0);
    expect(Object.keys(JSON.parse(readFileSync(join(tokenizer, 'vocab.json'), 'utf8')))).toHaveLength(300);
    expect(readFileSync(join(tokenizer, 'merges.txt'), 'utf8').split('\n')[0]).toBe('#version: 0.2');

    const out = join(root, 'gpt');
    const args = ['pretrain', 'gpt', '--corpus', corpus, '--tokenizer', tokenizer, '--out', out, '--layers', '1', '--hidden', '16', '--heads', '2', '--inner', '32'];
    const pretrain = await wbRun([...args, '--max-length', '16', '--batch-size', '4', '--steps', '6', '--warmup', '1', '--held-out-every', '6']);
    expect(pretrain.code, pretrain.stderr).toBe(0);
    const summary = JSON.parse(pretrain.stdout);
    expect(summary.model).toBe('GPT2LMHeadModel');
    expect(Number.isFinite(summary.heldOut.perplexity)).toBe(true);
    for (const file of ['config.json', 'model.safetensors', 'vocab.json', 'merges.txt', 'tokenizer_config.json', 'training.json']) expect(existsSync(join(out, file)), file).toBe(true);

    const generated = await wbRun(['generate', '--model', out, '--max-new-tokens', '3', 'the bank']);
    expect(generated.code, generated.stderr).toBe(0);
    expect(JSON.parse(generated.stdout).new_ids.length).toBeGreaterThan(0);
  });

  it('distils tiny-bert into a one-layer DistilBERT that fill-mask reads', { timeout: 300_000 }, async () => {
    const out = join(root, 'distil');
    const result = await wbRun(['distill', '--teacher', sharedPath('fixtures', 'tiny-bert'), '--corpus', corpus, '--out', out, '--max-length', '32', '--batch-size', '4', '--steps', '4', '--warmup', '1']);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ model: 'DistilBertForMaskedLM', student: { layers: 1, fromTeacherLayers: [0] } });
    expect(JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'))).toMatchObject({ model_type: 'distilbert', n_layers: 1, dim: 32 });
    const fill = await wbRun(['fill-mask', '--json', '--model', out, '--top-k', '2', 'the bank of the [MASK]']);
    expect(fill.code, fill.stderr).toBe(0);
    expect(JSON.parse(fill.stdout).masks[0]).toHaveLength(2);
    const refused = await wbRun(['distill', '--teacher', sharedPath('fixtures', 'tiny-bert'), '--corpus', corpus, '--out', out]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/already exists .*--resume .*--force/);
  });
});
