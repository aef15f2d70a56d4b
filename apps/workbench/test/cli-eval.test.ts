/** `wb eval wic` and `wb eval senseval` end to end: the built CLI on tiny handmade data with tiny-bert. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { initBackend, loadModel } from '@wb/core/node';
import { evaluateSenseval, evaluateWic } from '@wb/tasks';
import { readSensevalFolder, readWicSplit } from '@wb/tasks/node';
import { describeShared, sharedPath } from '../../../test/support/shared.js';
import { wbRun } from './support/cli.js';

const TRAIN = [
  'bank\tN\t3-1\tWe sat on the bank of the river .\tThe bank raised its rates .\tF',
  'bank\tN\t1-4\tThe bank closed early .\tI went to the bank to deposit money .\tT',
  'bat\tN\t1-1\tThe bat flew out of the cave .\tHis bat broke in the game .\tF',
  'bat\tN\t3-2\tA small brown bat hung there .\tThe bat slept all day .\tT',
  'run\tV\t1-1\tThey run a shop .\tWe run every morning .\tF',
  'run\tV\t1-1\tI run fast .\tShe runs to school .\tT',
];
const DEV = [
  'bank\tN\t1-3\tThe bank of the stream flooded .\tFish swim near the bank .\tT',
  'bat\tN\t1-3\tThe bat hit the ball .\tHe swung his bat hard .\tT',
  'run\tV\t2-1\tThey will run the company .\tDogs run in the park .\tF',
  'bank\tN\t1-1\tThe bank lent us money .\tThe bank was muddy .\tF',
];

function writeWic(dir: string, name: string, rows: string[]) {
  writeFileSync(join(dir, `${name}.data.txt`), rows.map((r) => r.split('\t').slice(0, 5).join('\t')).join('\n') + '\n');
  writeFileSync(join(dir, `${name}.gold.txt`), rows.map((r) => r.split('\t')[5]).join('\n') + '\n');
}

describeShared(['fixtures', 'tiny-bert'], 'wb eval on the tiny-bert fixture', () => {
  const model = sharedPath('fixtures', 'tiny-bert');
  let wic: string;

  beforeAll(async () => {
    await initBackend('wasm');
    wic = mkdtempSync(join(tmpdir(), 'wb-eval-wic-'));
    writeWic(wic, 'train', TRAIN);
    writeWic(wic, 'dev', DEV);
  });

  it('wic: prints accuracy, threshold, layer, n and every layer (3 + mix) as JSON', async () => {
    const result = await wbRun(['eval', 'wic', '--model', model, '--data', wic, '--split', 'dev', '--batch-size', '3']);
    expect(result.code, result.stderr).toBe(0);
    const out = JSON.parse(result.stdout);
    expect(out).toMatchObject({ task: 'wic', split: 'dev', n: 4, train_n: 6 });
    // The library's numbers for the same model and files (tfjs here; the CLI may run ONNX Runtime,
    // within 1e-4 of it, which moves a threshold by as little and no accuracy on these pairs).
    const embedder = await loadModel(model, { engine: 'tfjs' });
    const expected = await evaluateWic(embedder, readWicSplit(wic, 'train'), readWicSplit(wic, 'dev'), { batchSize: 3 });
    embedder.dispose();
    expect(out.accuracy).toBe(expected.accuracy);
    expect(out.layer).toBe(expected.layer);
    expect(out.threshold).toBeCloseTo(expected.threshold, 3);
    expect(out.layers.map((r: { accuracy: number; train_accuracy: number }) => [r.accuracy, r.train_accuracy])).toEqual(
      expected.layers.map((r) => [r.accuracy, r.trainAccuracy]),
    );
    expect(out.layers.map((r: { layer: number | string }) => r.layer)).toEqual([0, 1, 2, 'mix']);
    for (const r of out.layers) {
      expect(Object.keys(r).sort()).toEqual(['accuracy', 'layer', 'threshold', 'train_accuracy']);
    }
    const chosen = out.layers.find((r: { layer: number | string }) => r.layer === out.layer);
    expect(chosen.accuracy).toBe(out.accuracy);
    expect(chosen.train_accuracy).toBe(Math.max(...out.layers.map((r: { train_accuracy: number }) => r.train_accuracy)));
  });

  it('wic: --layer picks the layer; a missing split is a clear error', async () => {
    const forced = await wbRun(['eval', 'wic', '--model', model, '--data', wic, '--layer', 'mix', '--pooling', 'first']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(JSON.parse(forced.stdout).layer).toBe('mix');
    const missing = await wbRun(['eval', 'wic', '--model', model, '--data', wic, '--split', 'test']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/test\.data\.txt does not exist: this WiC folder has the split\(s\) dev, train/);
    const badLayer = await wbRun(['eval', 'wic', '--model', model, '--data', wic, '--layer', 'top']);
    expect(badLayer.code).toBe(1);
    expect(badLayer.stderr).toMatch(/expected a layer number \(0 = input layer\) or "mix", got "top"/);
  });

  it('senseval: per word n, senses, mfs, static, per-layer accuracy and best, plus the macro average', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'wb-eval-senseval-')), 'senseval');
    mkdirSync(dir);
    const header = 'instance_id\tsense\ttarget_index\ttokens\n';
    // Varied contexts, and two labels against their context, so that k, the seed's folds and the layer all change the scores.
    const contexts = [
      'the {w} near the river', 'a big {w} of money today', 'she sat by the {w} at noon', 'his {w} was closed on sunday',
      'they walked along the {w} slowly', 'the {w} lent them money', 'an old {w} by the water', 'my {w} charges a fee',
      'we fished from the {w}', 'the {w} raised its rates', 'a muddy {w} after the rain', 'the {w} opened a new branch',
    ];
    const rows = (word: string) =>
      contexts
        .map((context, i) => {
          const tokens = context.replace('{w}', word).split(' ');
          const sense = (i % 2 === 0) !== (i === 4 || i === 7) ? 'A' : 'B';
          return `${word}-${i}\t${sense}\t${tokens.indexOf(word)}\t${tokens.join(' ')}`;
        })
        .join('\n');
    writeFileSync(join(dir, 'bank.tsv'), header + rows('bank') + '\n');
    writeFileSync(join(dir, 'bat.tsv'), header + rows('bat') + '\n');
    const result = await wbRun(['eval', 'senseval', '--model', model, '--data', dir, '--k', '3', '--seed', '7']);
    expect(result.code, result.stderr).toBe(0);
    const out = JSON.parse(result.stdout);
    expect(out).toMatchObject({ task: 'senseval', k: 3, folds: 5, seed: 7 });
    expect(Object.keys(out.words)).toEqual(['bank', 'bat']);
    for (const word of ['bank', 'bat']) {
      const r = out.words[word];
      expect(r).toMatchObject({ n: 12, senses: 2, mfs: expect.any(Number), static: expect.any(Number) });
      expect(r.layers).toHaveLength(3);
      expect(r.best.accuracy).toBe(Math.max(...r.layers));
    }
    expect(out.macro.layers).toHaveLength(3);
    expect(out.macro.mfs).toBeCloseTo((out.words.bank.mfs + out.words.bat.mfs) / 2, 12);
    // The library's numbers for the same model and folder (which sense-senseval.test.ts checks by hand).
    const library = await loadModel(model, { engine: 'tfjs' });
    const expected = await evaluateSenseval(library, readSensevalFolder(dir), { k: 3, seed: 7 });
    for (const word of ['bank', 'bat']) {
      const { mfs, static: baseline, layers, best } = expected.words[word];
      expect(out.words[word], word).toMatchObject({ mfs, static: baseline, layers, best: { layer: best.layer, accuracy: best.accuracy } });
    }
    expect(out.macro.layers).toEqual(expected.macro.layers);
    // …which another k or seed would not give: the comparison pins both.
    for (const other of [{ k: 1, seed: 7 }, { k: 3, seed: 8 }]) {
      expect((await evaluateSenseval(library, readSensevalFolder(dir), other)).macro.layers, JSON.stringify(other)).not.toEqual(expected.macro.layers);
    }
    library.dispose();
  });
});
