/** The `wb` commands end to end: the built CLI as a child process on the tiny-bert fixture. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { describeShared, sharedPath } from '../../../test/support/shared.js';
import { wbRun } from './support/cli.js';

interface Reference {
  cases: Array<{ text: string; text_pair?: string; ids: number[]; hidden_states: number[][][]; pooler_output: number[] }>;
}

describeShared(['fixtures', 'tiny-bert'], 'wb on the tiny-bert fixture', () => {
  const model = sharedPath('fixtures', 'tiny-bert');
  let reference: Reference;
  let dir: string;

  beforeAll(() => {
    reference = JSON.parse(readFileSync(join(model, 'reference.json'), 'utf8'));
    dir = mkdtempSync(join(tmpdir(), 'wb-cli-'));
  });

  it('embed: writes one line per input, in order, matching the reference states', async () => {
    const input = join(dir, 'in.jsonl');
    const output = join(dir, 'out.jsonl');
    writeFileSync(
      input,
      reference.cases.map((c) => JSON.stringify(c.text_pair ? { text: c.text, text_pair: c.text_pair } : { text: c.text })).join('\n') + '\n',
    );
    const result = await wbRun(['embed', '--model', model, '--input', input, '--output', output, '--all-layers', '--batch-size', '3']);
    expect(result.code, result.stderr).toBe(0);
    const rows = readFileSync(output, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(rows).toHaveLength(reference.cases.length);
    rows.forEach((row, i) => {
      const c = reference.cases[i];
      expect(row.ids).toEqual(c.ids);
      expect(row.tokens[0]).toBe('[CLS]');
      expect(row.offsets).toHaveLength(c.ids.length);
      expect(row.hidden_states).toHaveLength(3);
      for (let layer = 0; layer < 3; layer++) {
        for (let t = 0; t < c.ids.length; t++) {
          for (let d = 0; d < 32; d++) {
            expect(Math.abs(row.hidden_states[layer][t][d] - c.hidden_states[layer][t][d])).toBeLessThan(1e-4);
          }
        }
      }
      row.pooler_output.forEach((v: number, d: number) => expect(Math.abs(v - c.pooler_output[d])).toBeLessThan(1e-4));
    });
  });

  it('--threads: one and two threads write the same bytes; a bad count is refused with its source', async () => {
    const input = join(dir, 'threads.jsonl');
    writeFileSync(input, reference.cases.map((c) => JSON.stringify({ text: c.text })).join('\n') + '\n');
    const outputs: string[] = [];
    for (const threads of ['1', '2']) {
      const output = join(dir, `threads-${threads}.jsonl`);
      const result = await wbRun(['embed', '--model', model, '--input', input, '--output', output, '--all-layers', '--threads', threads, '--verbose']);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toContain(`backend wasm, ${threads} threads`);
      outputs.push(readFileSync(output, 'utf8'));
    }
    expect(outputs[1]).toBe(outputs[0]);
    const bad = await wbRun(['embed', '--model', model, '--input', input, '--threads', '0']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('threads must be an integer from 1 to 64 (--threads or WB_THREADS), got "0"');
    const badEnv = await wbRun(['embed', '--model', model, '--input', input], { env: { WB_THREADS: 'many' } });
    expect(badEnv.stderr).toContain('got "many"');
  });

  it('embed: stdout is clean JSON, attentions have [layers][heads][tokens][tokens]', async () => {
    const input = join(dir, 'one.jsonl');
    writeFileSync(input, '{"text": "The bank raised its rates."}\n');
    const result = await wbRun(['embed', '--model', model, '--input', input, '--attentions']);
    expect(result.code, result.stderr).toBe(0);
    const row = JSON.parse(result.stdout);
    const n = row.tokens.length;
    expect(row.last_hidden_state).toHaveLength(n);
    expect(row.attentions).toHaveLength(2);
    expect(row.attentions[0]).toHaveLength(4);
    expect(row.attentions[0][0]).toHaveLength(n);
    expect(row.attentions[0][0][0]).toHaveLength(n);
  });

  it('embed: bad input names the file and line', async () => {
    const input = join(dir, 'bad.jsonl');
    writeFileSync(input, '{"text": "fine"}\n{"text": oops}\n');
    const bad = await wbRun(['embed', '--model', model, '--input', input]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(`${input}:2: not valid JSON`);
    writeFileSync(input, '{"text": "fine"}\n\n{"sentence": "x"}\n');
    expect((await wbRun(['embed', '--model', model, '--input', input])).stderr).toContain(`${input}:3: expected a "text" string`);
  });

  it('embed: too long without --max-length is an error; with it, truncated', async () => {
    const input = join(dir, 'long.jsonl');
    writeFileSync(input, JSON.stringify({ text: 'word '.repeat(100) }) + '\n');
    const refused = await wbRun(['embed', '--model', model, '--input', input]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/long\.jsonl:1: 102 tokens, but the model takes at most 64 .*--max-length/);
    const truncated = await wbRun(['embed', '--model', model, '--input', input, '--max-length', '16']);
    expect(truncated.code, truncated.stderr).toBe(0);
    expect(JSON.parse(truncated.stdout).tokens).toHaveLength(16);
  });

  it('fill-mask: top-k per mask, probabilities in order', async () => {
    const result = await wbRun(['fill-mask', '--model', model, '--top-k', '3', 'I want [MASK] pizza [MASK].']);
    expect(result.code, result.stderr).toBe(0);
    const { masks } = JSON.parse(result.stdout);
    expect(masks).toHaveLength(2);
    for (const candidates of masks) {
      expect(candidates).toHaveLength(3);
      expect(candidates[0].score).toBeGreaterThanOrEqual(candidates[1].score);
      // As in Hugging Face's pipeline: the other masks are special tokens and drop out of the decoded text.
      expect(candidates[0].sequence).toMatch(/^i want \S+ pizza\.$|^i want pizza \S+\.$/);
    }
    const none = await wbRun(['fill-mask', '--model', model, 'no mask here']);
    expect(none.stderr).toMatch(/has no \[MASK\] token/);
  });

  it('nsp: matches the reference NSP logits', async () => {
    const c = reference.cases.find((x) => x.text_pair)! as Reference['cases'][0] & { nsp_logits: number[] };
    const result = await wbRun(['nsp', '--model', model, c.text, c.text_pair!]);
    expect(result.code, result.stderr).toBe(0);
    const out = JSON.parse(result.stdout);
    expect(Math.abs(out.logits[0] - c.nsp_logits[0])).toBeLessThan(1e-4);
    expect(Math.abs(out.logits[1] - c.nsp_logits[1])).toBeLessThan(1e-4);
    const p = Math.exp(c.nsp_logits[0]) / (Math.exp(c.nsp_logits[0]) + Math.exp(c.nsp_logits[1]));
    expect(out.is_next).toBeCloseTo(p, 5);
  });

  it('reports a missing model folder clearly', async () => {
    const result = await wbRun(['nsp', '--model', join(dir, 'nope'), 'a', 'b']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/model folder .*nope does not exist/);
  });
});
