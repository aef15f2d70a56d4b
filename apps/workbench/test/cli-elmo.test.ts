/** `wb embed` on AllenNLP's ELMo fixture: the top layer matches the original TensorFlow biLM. */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { describeShared, sharedPath } from '../../../test/support/shared.js';

const run = promisify(execFile);
const wb = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'wb.js');

describeShared(['fixtures', 'allennlp-elmo'], 'wb embed with an ELMo folder', () => {
  it('writes tokens and [n_layers+1][tokens][2·dim] layers whose top layer matches TF', async () => {
    const model = sharedPath('fixtures', 'allennlp-elmo');
    const expected = JSON.parse(readFileSync(join(model, 'expected_first_batch.json'), 'utf8')).cases as Array<{
      tokens: string[];
      top_layer: number[][];
    }>;
    const dir = mkdtempSync(join(tmpdir(), 'wb-elmo-'));
    const input = join(dir, 'in.jsonl');
    writeFileSync(input, expected.map((c) => JSON.stringify({ tokens: c.tokens })).join('\n') + '\n');
    const { stdout } = await run(process.execPath, [wb, 'embed', '--model', model, '--input', input], { maxBuffer: 64 << 20 });
    const rows = stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(rows).toHaveLength(expected.length);
    rows.forEach((row, i) => {
      expect(row.tokens).toEqual(expected[i].tokens);
      expect(row.layers).toHaveLength(3);
      const top = row.layers[2] as number[][];
      expect(top).toHaveLength(expected[i].tokens.length);
      let worst = 0;
      top.forEach((v, t) => v.forEach((x, d) => (worst = Math.max(worst, Math.abs(x - expected[i].top_layer[t][d])))));
      expect(worst).toBeLessThan(1e-4);
    });
    // A ScalarMix that puts all weight on the top layer, times gamma 2, is twice the top layer.
    const mixed = await run(process.execPath, [wb, 'embed', '--model', model, '--input', input, '--mix=-30,-30,30', '--mix-gamma', '2']);
    const first = JSON.parse(mixed.stdout.split('\n')[0]);
    expect(first.mix).toHaveLength(expected[0].tokens.length);
    expect(Math.abs(first.mix[3][5] - 2 * first.layers[2][3][5])).toBeLessThan(1e-5);
    writeFileSync(input, '{"words": 1}\n');
    await expect(run(process.execPath, [wb, 'embed', '--model', model, '--input', input])).rejects.toMatchObject({
      stderr: expect.stringContaining(':1: expected {"text": "..."} or {"tokens"'),
    });
  });
});
