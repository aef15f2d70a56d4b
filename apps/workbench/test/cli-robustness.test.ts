/**
 * The built `wb` under bad input (issue 16): every output error surfaces with its path and a
 * non-zero exit, option values are checked (no NaN, no 0 batch), a pretraining folder is not
 * overwritten by accident, bad model files are named, and `wb serve` keeps serving whatever a
 * request carries.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BERT_DEFAULTS, initBackend, initBertWeights, saveBertCheckpoint } from '@wb/core/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { serializeNotebook } from '../src/notebook/io.js';
import { emptyNotebook } from '../src/notebook/new.js';
import { wbRun } from './support/cli.js';
import { notebooksCopy, startServe, workbenchDir, type RunningWorkbench } from './support/workbench.js';

const VOCAB = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'the', 'bank', 'river'];
let dir: string;
let model: string;
let input: string;

beforeAll(async () => {
  await initBackend('cpu');
  dir = mkdtempSync(join(tmpdir(), 'wb-cli-robust-'));
  model = join(dir, 'model');
  const config = { ...BERT_DEFAULTS, vocabSize: VOCAB.length, hiddenSize: 8, numHiddenLayers: 1, numAttentionHeads: 2, intermediateSize: 16, maxPositionEmbeddings: 16 };
  saveBertCheckpoint(model, { config, weights: initBertWeights(config, { pooler: true }, 1), vocab: VOCAB });
  input = join(dir, 'in.jsonl');
  writeFileSync(input, '{"text": "the bank"}\n{"text": "the river"}\n');
});

/** A copy of the tiny model folder with one file replaced. */
function modelWith(name: string, content: string): string {
  const copy = mkdtempSync(join(dir, 'variant-'));
  for (const file of readdirSync(model)) writeFileSync(join(copy, file), readFileSync(join(model, file)));
  writeFileSync(join(copy, name), content);
  return copy;
}

describe('wb embed: outputs and inputs', () => {
  it('writes its output when it can (the baseline)', async () => {
    const output = join(dir, 'out.jsonl');
    const result = await wbRun(['embed', '--model', model, '--input', input, '--output', output]);
    expect(result.code, result.stderr).toBe(0);
    expect(readFileSync(output, 'utf8').trim().split('\n')).toHaveLength(2);
  });

  it('exits non-zero, naming the path, when --output cannot be written', async () => {
    const missing = join(dir, 'no-such-folder', 'out.jsonl');
    const result = await wbRun(['embed', '--model', model, '--input', input, '--output', missing]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`wb: cannot write ${missing}: its folder ${join(dir, 'no-such-folder')} does not exist\n`);
    const folder = await wbRun(['embed', '--model', model, '--input', input, '--output', dir]);
    expect(folder.code).toBe(1);
    expect(folder.stderr).toBe(`wb: cannot write ${dir}: it is a folder (give a file name)\n`);
  });

  it('names an --input that is a folder', async () => {
    const result = await wbRun(['embed', '--model', model, '--input', dir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`wb: ${dir}: is a folder, expected a .jsonl file\n`);
  });

  it('names a config.json of null, and a tokenizer.json whose ids are not in the vocabulary', async () => {
    const nullConfig = modelWith('config.json', 'null');
    const result = await wbRun(['embed', '--model', nullConfig, '--input', input]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`wb: ${join(nullConfig, 'config.json')}: the file must be a JSON object, got null\n`);

    const vocab = Object.fromEntries(VOCAB.map((t, i) => [t, i === 6 ? null : i === 7 ? 0.5 : i]));
    const badIds = modelWith('tokenizer.json', JSON.stringify({ model: { type: 'WordPiece', vocab }, normalizer: { type: 'BertNormalizer' }, pre_tokenizer: { type: 'BertPreTokenizer' } }));
    const ids = await wbRun(['embed', '--model', badIds, '--input', input]);
    expect(ids.code).toBe(1);
    expect(ids.stderr).toContain(`wb: ${join(badIds, 'tokenizer.json')}: model.vocab token "bank" has id null; ids must be integers from 0 to 16777215`);
  });

  it('refuses a huge num_hidden_layers at once, naming the file', async () => {
    const config = JSON.parse(readFileSync(join(model, 'config.json'), 'utf8'));
    const huge = modelWith('config.json', JSON.stringify({ ...config, num_hidden_layers: 1_000_000 }));
    const result = await wbRun(['embed', '--model', huge, '--input', input]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`wb: ${join(huge, 'config.json')}: "num_hidden_layers" must be an integer from 1 to 256, got 1000000\n`);
  });
});

describe('wb options', () => {
  it('refuses numbers that are not numbers, and a batch size of 0', async () => {
    const nb = join(dir, 'empty.ipynb');
    writeFileSync(nb, serializeNotebook(emptyNotebook()));
    const rtol = await wbRun(['run', nb, '--verify', '--rtol', 'abc']);
    expect(rtol.code).toBe(1);
    expect(rtol.stderr).toContain(`error: option '--rtol <x>' argument 'abc' is invalid. expected a non-negative number, got "abc"`);
    const port = await wbRun(['serve', '--port', 'x8']);
    expect(port.code).toBe(1);
    expect(port.stderr).toContain(`argument 'x8' is invalid. expected a port from 0 to 65535, got "x8"`);
    const batch = await wbRun(['pretrain', 'bert', '--corpus', dir, '--vocab', join(model, 'vocab.txt'), '--out', join(dir, 'p'), '--batch-size', '0']);
    expect(batch.code).toBe(1);
    expect(batch.stderr).toContain(`error: option '--batch-size <n>' argument '0' is invalid. expected a positive integer, got "0"`);
  });
});

describe('wb pretrain --out', () => {
  it('refuses a folder that holds files unless --resume or --force', async () => {
    const out = join(dir, 'earlier-run');
    mkdirSync(out);
    writeFileSync(join(out, 'model.safetensors'), 'hours of work');
    const args = ['pretrain', 'bert', '--corpus', dir, '--vocab', join(dir, 'no-vocab.txt'), '--out', out];
    const refused = await wbRun(args);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      `wb: --out ${out} already exists and holds model.safetensors; pass --resume to continue its run, --force to start over and overwrite it, or choose another --out\n`,
    );
    expect(readFileSync(join(out, 'model.safetensors'), 'utf8')).toBe('hours of work');
    // With --force the folder is accepted: the run gets as far as the (missing) vocabulary.
    const forced = await wbRun([...args, '--force']);
    expect(forced.code).toBe(1);
    expect(forced.stderr).toContain('no-vocab.txt');
  });
});

describe('wb run: inputs and outputs', () => {
  it('names a notebook that is a folder, and an --out it cannot write', async () => {
    const folder = await wbRun(['run', dir]);
    expect(folder.code).toBe(1);
    expect(folder.stderr).toBe(`wb: ${dir}: is a folder, expected a .ipynb file\n`);
    const nb = join(dir, 'to-run.ipynb');
    writeFileSync(nb, serializeNotebook(emptyNotebook()));
    const out = join(dir, 'missing', 'out.ipynb');
    const result = await wbRun(['run', nb, '--out', out]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`wb: --out ${out}: the folder ${join(dir, 'missing')} does not exist`);
  });
});

describe('wb serve keeps serving', () => {
  let server: RunningWorkbench;
  beforeAll(async () => {
    server = await startServe(notebooksCopy(false));
  });
  afterAll(() => server.stop());

  it('after websocket upgrades with malformed cookies', async () => {
    const port = new URL(server.origin).port;
    writeFileSync(join(server.dir, 'a.ipynb'), serializeNotebook(emptyNotebook()));
    const session = (await (
      await fetch(`${server.origin}/api/sessions`, { method: 'POST', headers: { Authorization: `token ${server.token}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ path: 'a.ipynb' }) })
    ).json()) as { id: string };
    for (const path of [`/api/sessions/${session.id}/ws`, '/api/sessions/nope/ws']) {
      const status = await new Promise<number>((resolve, reject) => {
        const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`, { headers: { Cookie: `wb-token-${port}=%` } });
        ws.on('unexpected-response', (_req, res) => resolve(res.statusCode!));
        ws.on('open', () => resolve(101));
        ws.on('error', (e) => (e.message.includes('Unexpected server response') ? undefined : reject(e)));
      });
      expect(status).toBe(403);
    }
    expect((await fetch(`${server.origin}/api/contents`, { headers: { Authorization: `token ${server.token}` } })).status).toBe(200);
    expect(server.output()).not.toMatch(/URIError|still serving/);
  });

  it('logs an error that escapes every handler, and goes on (the process-level net)', () => {
    const net = join(workbenchDir, 'dist', 'server', 'keep-serving.js');
    expect(existsSync(net), 'build the workbench first').toBe(true);
    const script = [
      `const { keepServingOnErrors } = await import(${JSON.stringify(net)});`,
      'keepServingOnErrors();',
      "setTimeout(() => { throw new URIError('URI malformed'); }, 5);",
      "setTimeout(() => Promise.reject(new Error('lost promise')), 10);",
      "setTimeout(() => { console.log('still here'); process.exit(0); }, 100);",
    ].join('\n');
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(child.status, child.stderr).toBe(0);
    expect(child.stdout).toBe('still here\n');
    expect(child.stderr).toMatch(/^wb serve: an uncaught error, still serving \(please report this\):\nURIError: URI malformed/);
    expect(child.stderr).toMatch(/wb serve: an unhandled promise rejection, still serving \(please report this\):\nError: lost promise/);
  });
});
