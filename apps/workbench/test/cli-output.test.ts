/**
 * What the pipelines print: a table for a person at a terminal, JSON with --json or when stdout is
 * not a terminal (a pipe, a file, these tests); `wb nsp` and `wb fill-mask` on a folder of another kind
 * say what the folder is; `wb clear` removes outputs and execution counts.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { describeShared, sharedPath } from '../../../test/support/shared.js';
import { fillMaskTable, nextSentenceTable } from '../src/cli/pipelines.js';
import { wantsJson } from '../src/cli/text-table.js';
import { parseNotebook } from '../src/notebook/io.js';
import { wbPath, wbRun } from './support/cli.js';
import { repoNotebooks } from './support/workbench.js';

describe('tables for a terminal', () => {
  it('JSON when asked or when stdout is not a terminal, else a table', () => {
    expect(wantsJson(undefined, { isTTY: true })).toBe(false);
    expect(wantsJson(true, { isTTY: true })).toBe(true);
    expect(wantsJson(undefined, { isTTY: false })).toBe(true);
    expect(wantsJson(undefined, {})).toBe(true);
  });

  it('fill-mask: one table per mask, best first, scores to 4 places', () => {
    const candidate = (token: string, score: number, sequence: string) => ({ token, token_id: 1, score, sequence });
    const output = {
      text: 'the [MASK] of the [MASK]',
      masks: [
        [candidate('bank', 0.51234, 'the bank of the'), candidate('edge', 0.2, 'the edge of the')],
        [candidate('river', 0.9, 'the of the river'), candidate('sea', 0.05, 'the of the sea')],
      ],
    };
    expect(fillMaskTable(output)).toBe(
      [
        'mask 1 of 2',
        '#  TOKEN  SCORE   SEQUENCE',
        '1  bank   0.5123  the bank of the',
        '2  edge   0.2000  the edge of the',
        '',
        'mask 2 of 2',
        '#  TOKEN  SCORE   SEQUENCE',
        '1  river  0.9000  the of the river',
        '2  sea    0.0500  the of the sea',
        '',
      ].join('\n'),
    );
    expect(fillMaskTable({ text: 'a [MASK]', masks: [[candidate('b', 1, 'a b')]] })).toBe('#  TOKEN  SCORE   SEQUENCE\n1  b      1.0000  a b\n');
  });

  it('nsp: the sentences, the probability and the logits', () => {
    expect(nextSentenceTable({ sentence_a: 'It rained.', sentence_b: 'The street is wet.', is_next: 0.98765, logits: [2.5, -1.25] })).toBe(
      ['sentence A      It rained.', 'sentence B      The street is wet.', 'P(B follows A)  0.9877', 'logits          2.5000, -1.2500', ''].join('\n'),
    );
  });
});

describeShared(['fixtures', 'tiny-bert'], 'wb fill-mask and wb nsp print', () => {
  const model = sharedPath('fixtures', 'tiny-bert');

  it('a table on a terminal, with the candidates the JSON has', async () => {
    const json = await wbRun(['fill-mask', '--model', model, '--top-k', '3', '--json', 'the bank of the [MASK]']);
    expect(json.code, json.stderr).toBe(0);
    const tokens: string[] = JSON.parse(json.stdout).masks[0].map((c: { token: string }) => c.token);
    // A pseudo-terminal (util-linux `script`): stdout is a TTY, as for a person typing the command.
    const command = [process.execPath, wbPath, 'fill-mask', '--model', model, '--top-k', '3', 'the bank of the [MASK]'].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    const { stdout } = await promisify(execFile)('script', ['-qec', command, '/dev/null'], { maxBuffer: 16 << 20 });
    const lines = stdout.replace(/\r/g, '').split('\n').filter((l) => /^(#|\d)  /.test(l));
    expect(lines[0]).toMatch(/^# +TOKEN +SCORE +SEQUENCE$/);
    expect(lines.slice(1).map((l) => l.split(/ +/)[1])).toEqual(tokens);
  });

  it('stops quietly when the reader of its output closes the pipe early (| head)', async () => {
    const input = join(mkdtempSync(join(tmpdir(), 'wb-pipe-')), 'in.jsonl');
    // Far more output than a pipe holds (64 KiB), so that writing goes on after head has exited.
    writeFileSync(input, Array.from({ length: 200 }, (_, i) => JSON.stringify({ text: `the bank of the river number ${i}` })).join('\n') + '\n');
    const quoted = [process.execPath, wbPath, 'embed', '--model', model, '--input', input, '--all-layers'].map((a) => `'${a}'`).join(' ');
    const { stdout, stderr } = await promisify(execFile)('bash', ['-o', 'pipefail', '-c', `${quoted} | head -c 10`]);
    expect(stdout).toBe('{"tokens":');
    expect(stderr).toBe('');
  });

  it('nsp: JSON when piped, and --json is accepted', async () => {
    const [piped, asked] = await Promise.all([wbRun(['nsp', '--model', model, 'a b', 'c d']), wbRun(['nsp', '--model', model, '--json', 'a b', 'c d'])]);
    expect(piped.code, piped.stderr).toBe(0);
    expect(JSON.parse(piped.stdout)).toEqual(JSON.parse(asked.stdout));
  });
});

describeShared(['fixtures', 'allennlp-elmo'], 'wb nsp and wb fill-mask on an ELMo folder', () => {
  it('say that the folder is an ELMo one, and what the command needs', async () => {
    const elmo = sharedPath('fixtures', 'allennlp-elmo');
    const [nsp, fill] = await Promise.all([wbRun(['nsp', '--model', elmo, 'a', 'b']), wbRun(['fill-mask', '--model', elmo, 'the [MASK] of the river'])]);
    expect(nsp.code).toBe(1);
    expect(nsp.stderr).toContain('allennlp-elmo: this is an ELMo folder (options.json), not a BERT one; a BERT folder has config.json and model.safetensors');
    expect(fill.code).toBe(1);
    expect(fill.stderr).toBe('wb: fill-mask: this elmo model is a bidirectional LM over words; fill-mask needs a masked-LM model (BERT, DistilBERT, RoBERTa, ALBERT)\n');
  });
});

describe('wb clear', () => {
  it("removes every code cell's outputs and execution count, and keeps the rest", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wb-clear-'));
    const file = join(dir, 'tour.ipynb');
    cpSync(join(repoNotebooks, '00-workbench-tour.ipynb'), file);
    const before = parseNotebook(readFileSync(file, 'utf8'));
    const withOutputs = before.cells.filter((c) => c.cell_type === 'code' && c.outputs.length > 0).length;
    expect(withOutputs).toBeGreaterThan(0);
    const first = await wbRun(['clear', file]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toContain(`wb clear: ${file}: cleared ${before.cells.filter((c) => c.cell_type === 'code').length} cells`);
    const after = parseNotebook(readFileSync(file, 'utf8'));
    for (const cell of after.cells) if (cell.cell_type === 'code') expect([cell.outputs, cell.execution_count]).toEqual([[], null]);
    expect(after.cells.map((c) => [c.id, c.source])).toEqual(before.cells.map((c) => [c.id, c.source]));
    expect(after.metadata).toEqual(before.metadata);
    // Nothing left to clear: the file is not rewritten.
    const mtime = statSync(file).mtimeMs;
    const second = await wbRun(['clear', file]);
    expect(second.stderr).toContain(`wb clear: ${file}: no outputs`);
    expect(statSync(file).mtimeMs).toBe(mtime);
    const missing = await wbRun(['clear', join(dir, 'nope.ipynb')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('nope.ipynb: no such notebook');
  });
});
