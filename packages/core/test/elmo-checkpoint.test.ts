/**
 * AllenNLP ELMo checkpoints: parity with the original TensorFlow biLM on AllenNLP's own test model
 * (../shared/fixtures/allennlp-elmo), clear errors for bad files, and save → load round trips.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeShared, sharedPath } from '../../../test/support/shared.js';
import { initBackend } from '../src/backend.js';
import { listHdf5Datasets, loadElmo, resolveElmoFiles, saveElmo } from '../src/checkpoint/allennlp-elmo.js';
import { readSafetensors } from '../src/checkpoint/safetensors.js';
import { initElmoWeights, type ElmoModel } from '../src/models/elmo/index.js';
import { TINY_OPTIONS, tinyShapes, tinyWeights, writeTinyHdf5 } from './support/elmo-tiny.js';
import { maxAbsDiff } from './support/numeric.js';

let dir: string;
beforeAll(async () => {
  await initBackend();
  dir = mkdtempSync(join(tmpdir(), 'elmo-ckpt-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeShared(['fixtures', 'allennlp-elmo'], 'AllenNLP test biLM vs the original TensorFlow outputs', () => {
  interface Case {
    tokens: string[];
    top_layer: number[][];
  }
  let model: ElmoModel;
  let cases: Case[];
  beforeAll(async () => {
    const fixture = sharedPath('fixtures', 'allennlp-elmo');
    model = await loadElmo(fixture);
    cases = JSON.parse(readFileSync(join(fixture, 'expected_first_batch.json'), 'utf8')).cases;
  });
  afterAll(() => model.dispose());

  it('picks lm_weights.hdf5 among the folder\'s hdf5 files', () => {
    expect(resolveElmoFiles(sharedPath('fixtures', 'allennlp-elmo')).weightsPath.endsWith('lm_weights.hdf5')).toBe(true);
  });

  it('matches the top biLM layer of the first batch to 1e-5', () => {
    expect(cases).toHaveLength(3);
    const { layers, mask } = model.run(cases.map((c) => c.tokens));
    const top = layers[2].arraySync() as number[][][];
    let worst = 0;
    cases.forEach((c, b) => {
      worst = Math.max(worst, maxAbsDiff(top[b].slice(0, c.tokens.length), c.top_layer));
    });
    console.log(`allennlp-elmo fixture: max |diff| of the top layer = ${worst.toExponential(3)}`);
    expect(worst).toBeLessThan(1e-5);
    tf.dispose([...layers, mask]);
  });
});

describe('bad checkpoints', () => {
  const folder = (name: string) => {
    const path = join(dir, name);
    mkdirSync(path, { recursive: true });
    return path;
  };

  it('names a missing dataset and the file', async () => {
    const path = folder('missing');
    writeFileSync(join(path, 'options.json'), JSON.stringify(TINY_OPTIONS));
    await writeTinyHdf5(join(path, 'weights.hdf5'), tinyWeights(TINY_OPTIONS), ['CNN_high_1/b_carry']);
    await expect(loadElmo(path)).rejects.toThrow(/weights\.hdf5: dataset "CNN_high_1\/b_carry" is missing \(expected shape \[12\]/);
  });

  it('names a missing LSTM cell when options ask for more layers than the file has', async () => {
    const path = folder('layers');
    writeFileSync(join(path, 'options.json'), JSON.stringify({ ...TINY_OPTIONS, lstm: { ...TINY_OPTIONS.lstm, n_layers: 3 } }));
    await writeTinyHdf5(join(path, 'weights.hdf5'), tinyWeights(TINY_OPTIONS));
    await expect(loadElmo(path)).rejects.toThrow('dataset "RNN_0/RNN/MultiRNNCell/Cell2/LSTMCell/W_0" is missing');
  });

  it('names the dataset, expected and actual shapes when options disagree with the weights', async () => {
    const path = folder('mismatch');
    const filters = [[1, 4], [2, 3], [3, 6]];
    writeFileSync(join(path, 'options.json'), JSON.stringify({ ...TINY_OPTIONS, char_cnn: { ...TINY_OPTIONS.char_cnn, filters } }));
    await writeTinyHdf5(join(path, 'weights.hdf5'), tinyWeights(TINY_OPTIONS));
    await expect(loadElmo(path)).rejects.toThrow(
      /weights\.hdf5: dataset "CNN\/W_cnn_2" has shape \[1,3,3,5\] but .*options\.json implies \[1,3,3,6\]/,
    );
    const wrongDim = folder('mismatch-dim');
    writeFileSync(join(wrongDim, 'options.json'), JSON.stringify({ ...TINY_OPTIONS, lstm: { ...TINY_OPTIONS.lstm, dim: 12 } }));
    await writeTinyHdf5(join(wrongDim, 'weights.hdf5'), tinyWeights(TINY_OPTIONS));
    await expect(loadElmo(wrongDim)).rejects.toThrow(/dataset "RNN_0\/RNN\/MultiRNNCell\/Cell0\/LSTMCell\/W_0" has shape \[12,40\] but .* implies \[12,48\]/);
  });

  it('explains a folder without options.json, bad JSON and bad options', async () => {
    await expect(loadElmo(folder('empty'))).rejects.toThrow(/no options\.json/);
    const bad = folder('bad-json');
    writeFileSync(join(bad, 'options.json'), '{"lstm": ');
    await writeTinyHdf5(join(bad, 'weights.hdf5'), tinyWeights(TINY_OPTIONS));
    await expect(loadElmo(bad)).rejects.toThrow(/options\.json: not valid JSON/);
    writeFileSync(join(bad, 'options.json'), JSON.stringify({ lstm: TINY_OPTIONS.lstm, char_cnn: { ...TINY_OPTIONS.char_cnn, filters: [[1]] } }));
    await expect(loadElmo(bad)).rejects.toThrow(/char_cnn\.filters must be a list of \[width, count\] pairs/);
  });

  it('rejects a file that is not hdf5', async () => {
    const path = folder('not-hdf5');
    writeFileSync(join(path, 'options.json'), JSON.stringify(TINY_OPTIONS));
    writeFileSync(join(path, 'weights.hdf5'), 'definitely not hdf5');
    await expect(loadElmo(path)).rejects.toThrow(/weights\.hdf5: not an hdf5 file/);
  });
});

describe('saveElmo', () => {
  it('writes AllenNLP\'s layout (options.json + weights.hdf5) and safetensors that load back identically', async () => {
    const source = join(dir, 'save-src');
    mkdirSync(source, { recursive: true });
    writeFileSync(join(source, 'options.json'), JSON.stringify(TINY_OPTIONS));
    await writeTinyHdf5(join(source, 'weights.hdf5'), tinyWeights(TINY_OPTIONS, 5));
    const model = await loadElmo(source);
    const out = join(dir, 'saved');
    await saveElmo(model, out);

    const datasets = await listHdf5Datasets(join(out, 'weights.hdf5'));
    expect(Object.fromEntries(datasets)).toEqual(tinyShapes(TINY_OPTIONS));
    const options = JSON.parse(readFileSync(join(out, 'options.json'), 'utf8'));
    expect(options.lstm).toEqual(TINY_OPTIONS.lstm);
    expect(options.char_cnn.n_characters).toBe(262);
    const st = readSafetensors(new Uint8Array(readFileSync(join(out, 'model.safetensors'))));
    expect([...st.tensors.keys()].sort()).toEqual(Object.keys(tinyShapes(TINY_OPTIONS)).sort());
    expect(JSON.parse(st.metadata.options).lstm.dim).toBe(10);

    const sentences = [['a', 'saved', 'model'], ['works']];
    const expected = model.run(sentences);
    for (const reloaded of [
      await loadElmo(out),
      await loadElmo({ optionsPath: join(out, 'options.json'), weightsPath: join(out, 'model.safetensors') }),
    ]) {
      const got = reloaded.run(sentences);
      got.layers.forEach((l, i) => expect(maxAbsDiff(l.arraySync(), expected.layers[i].arraySync())).toBe(0));
      tf.dispose([...got.layers, got.mask]);
      reloaded.dispose();
    }
    tf.dispose([...expected.layers, expected.mask]);
    model.dispose();
  });

  it('keeps the language-model softmax in both files', async () => {
    const weights = initElmoWeights(TINY_OPTIONS as never, { seed: 2, vocabSize: 11 });
    const out = join(dir, 'saved-lm');
    await saveElmo({ options: TINY_OPTIONS as never, weights }, out);
    const datasets = await listHdf5Datasets(join(out, 'weights.hdf5'));
    expect(datasets.get('softmax/W')).toEqual([11, 6]);
    expect(datasets.get('softmax/b')).toEqual([11]);
    const reloaded = await loadElmo(out);
    expect(maxAbsDiff(reloaded.weights['softmax/W'].arraySync(), weights['softmax/W'].arraySync())).toBe(0);
    reloaded.dispose();
    tf.dispose(Object.values(weights));
  });
});
