/**
 * The ONNX export and the onnxruntime engine against the tfjs path: every hidden state and the
 * pooler within 1e-4, on padded batches, for the standard-operator graph (what `wb export onnx`
 * writes) and the contrib-op graph (what the engine runs); and tiny-bert against its independent
 * float64 reference.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import onnxProto from 'onnx-proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeShared, sharedPath } from '../../../test/support/shared.js';
import { initBackend } from '../src/backend.js';
import { checkEngineRuns, encoderEngineOf } from '../src/encoder-engine.js';
import { loadBert, loadModel } from '../src/load.js';
import type { BertBatch, BertEncoder } from '../src/models/bert-encoder.js';
import type { BertModel } from '../src/models/bert-model.js';
import type { EncoderModel } from '../src/models/encoder-model.js';
import { bertToOnnx } from '../src/models/bert-onnx.js';
import type { BertOutputs } from '../src/models/bert.js';
import { onnxRuntimeBertEncoder } from '../src/onnx/ort-bert-encoder.js';
import { maxAbsDiff } from './support/numeric.js';

const TOLERANCE = 1e-4;
const BERT_MINI = fileURLToPath(new URL('../../../models/bert-mini', import.meta.url));

const TEXTS: Array<string | [string, string]> = [
  'The bank raised its interest rates.',
  ['She sat on the river bank.', 'The water was cold.'],
  'Hi.',
  'A much longer sentence, with punctuation; numbers like 1234 and unusual words such as quixotic.',
];

/** Every hidden state and the pooler of two engines' outputs: the largest difference of each. */
async function differences(a: BertOutputs, b: BertOutputs): Promise<{ hidden: number[]; pooler: number }> {
  expect(b.hiddenStates).toHaveLength(a.hiddenStates.length);
  const hidden = await Promise.all(a.hiddenStates.map(async (h, i) => maxAbsDiff(await h.data(), await b.hiddenStates[i].data())));
  const pooler = a.poolerOutput && b.poolerOutput ? maxAbsDiff(await a.poolerOutput.data(), await b.poolerOutput.data()) : NaN;
  return { hidden, pooler };
}

function paritySuite(name: string, folder: () => string) {
  let bert: BertModel;
  const engines: Record<string, BertEncoder> = {};

  beforeAll(async () => {
    await initBackend();
    bert = await loadBert(folder());
    engines.standard = await onnxRuntimeBertEncoder(bert.config, bert.weights, { contribOps: false, threads: 2 });
    engines.contrib = await onnxRuntimeBertEncoder(bert.config, bert.weights, { contribOps: true, threads: 2 });
  });

  afterAll(() => {
    Object.values(engines).forEach((e) => e.dispose());
    bert?.dispose();
  });

  for (const graph of ['standard', 'contrib']) {
    it(`${name}: the ${graph} ONNX graph gives every hidden state and the pooler of the tfjs path on a padded batch`, async () => {
      const tfjsRun = bert.run(TEXTS);
      const batch = tfjsRun.encodings;
      expect(new Set(batch.map((e) => e.attentionMask.reduce((x, y) => x + y, 0))).size).toBeGreaterThan(1); // padded
      const ids: BertBatch = {
        batch: batch.length,
        seq: batch[0].ids.length,
        inputIds: Int32Array.from(batch.flatMap((e) => e.ids)),
        tokenTypeIds: Int32Array.from(batch.flatMap((e) => e.tokenTypeIds)),
        attentionMask: Int32Array.from(batch.flatMap((e) => e.attentionMask)),
      };
      const onnx = await engines[graph].encode(ids);
      const { hidden, pooler } = await differences(tfjsRun.outputs, onnx);
      expect(hidden).toHaveLength(bert.config.numHiddenLayers + 1);
      hidden.forEach((d, layer) => expect(d, `hidden state ${layer}`).toBeLessThanOrEqual(TOLERANCE));
      expect(pooler).toBeLessThanOrEqual(TOLERANCE);
      tfjsRun.dispose();
      tf.dispose(onnx as unknown as tf.TensorContainer);
    });
  }

  it(`${name}: a model switched to the onnxruntime engine embeds words as the tfjs engine does`, async () => {
    // The shorter input is padded in its batch.
    const inputs = ['Rates rose.', ['The', 'bank', 'of', 'the', 'river', 'flooded']];
    const viaTfjs = await bert.embed(inputs);
    const onnxBert = await loadBert(folder(), { engine: 'onnxruntime', threads: 2 });
    expect(onnxBert.encoder.engine).toBe('onnxruntime');
    const viaOnnx = await onnxBert.embed(inputs);
    expect(viaOnnx.map((s) => s.words.map((w) => w.word))).toEqual([['Rates', 'rose', '.'], inputs[1]]);
    viaTfjs.forEach((sentence, s) =>
      sentence.words.forEach((w, i) => expect(maxAbsDiff(w.layers, viaOnnx[s].words[i].layers), w.word).toBeLessThanOrEqual(TOLERANCE)),
    );
    onnxBert.dispose();
  });
}

describeShared(['fixtures', 'tiny-bert'], 'onnxruntime engine on tiny-bert', () => {
  paritySuite('tiny-bert', () => sharedPath('fixtures', 'tiny-bert'));

  it('matches the independent float64 reference one sentence at a time', async () => {
    const cases = JSON.parse(readFileSync(sharedPath('fixtures', 'tiny-bert', 'reference.json'), 'utf8')).cases as Array<{
      ids: number[];
      token_type_ids: number[];
      hidden_states: number[][][];
      pooler_output: number[];
    }>;
    const bert = await loadBert(sharedPath('fixtures', 'tiny-bert'), { engine: 'onnxruntime', threads: 1 });
    for (const c of cases) {
      const out = await bert.encoder.encode({
        batch: 1,
        seq: c.ids.length,
        inputIds: Int32Array.from(c.ids),
        tokenTypeIds: Int32Array.from(c.token_type_ids),
        attentionMask: new Int32Array(c.ids.length).fill(1),
      });
      for (const [layer, h] of out.hiddenStates.entries()) {
        expect(maxAbsDiff((await h.array())[0], c.hidden_states[layer]), `layer ${layer}`).toBeLessThanOrEqual(TOLERANCE);
      }
      expect(maxAbsDiff((await out.poolerOutput!.array())[0], c.pooler_output)).toBeLessThanOrEqual(TOLERANCE);
      tf.dispose(out as unknown as tf.TensorContainer);
    }
    bert.dispose();
  });

  it('returns only the hidden states asked for, and says that attentions need tfjs', async () => {
    const bert = await loadBert(sharedPath('fixtures', 'tiny-bert'), { engine: 'onnxruntime', threads: 1 });
    const batch: BertBatch = { batch: 1, seq: 3, inputIds: Int32Array.of(101, 2000, 102), tokenTypeIds: new Int32Array(3), attentionMask: Int32Array.of(1, 1, 1) };
    const out = await bert.encoder.encode(batch, { layers: 1 });
    expect(out.hiddenStates).toHaveLength(2);
    expect(out.lastHiddenState).toBe(out.hiddenStates[1]);
    expect(out.poolerOutput).toBeUndefined();
    tf.dispose(out as unknown as tf.TensorContainer);
    await expect(bert.encoder.encode(batch, { outputAttentions: true })).rejects.toThrow(
      'the onnxruntime engine does not return attention probabilities; use the tfjs engine for them',
    );
    bert.dispose();
  });

  it('writes an opset-17 model with int64 inputs and dynamic batch and sequence axes, in standard operators', async () => {
    const bert = await loadBert(sharedPath('fixtures', 'tiny-bert'));
    const model = onnxProto.onnx.ModelProto.decode(bertToOnnx(bert.config, bert.weights));
    bert.dispose();
    expect(model.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([['', 17]]);
    const graph = model.graph!;
    expect(graph.input!.map((i) => i.name)).toEqual(['input_ids', 'attention_mask', 'token_type_ids']);
    for (const input of graph.input!) {
      expect(input.type!.tensorType!.elemType).toBe(onnxProto.onnx.TensorProto.DataType.INT64);
      expect(input.type!.tensorType!.shape!.dim!.map((d) => d.dimParam)).toEqual(['batch_size', 'sequence_length']);
    }
    expect(graph.output!.map((o) => o.name)).toEqual(['last_hidden_state', 'hidden_states.0', 'hidden_states.1', 'hidden_states.2', 'pooler_output']);
    expect(graph.node!.every((n) => !n.domain)).toBe(true);
    const ops = new Set(graph.node!.map((n) => n.opType));
    expect(ops.has('LayerNormalization') && ops.has('Erf')).toBe(true);
  });
});

describe.runIf(BERT_MINI)('onnxruntime engine on models/bert-mini', () => {
  paritySuite('bert-mini', () => BERT_MINI);
});

describeShared(['fixtures', 'tiny-distilbert'], 'onnxruntime engine on a DistilBERT', () => {
  beforeAll(async () => {
    await initBackend();
  });

  it('runs it as the BERT it maps onto (one all-zero token type, no pooler): every hidden state of the tfjs path, pairs included', async () => {
    const folder = sharedPath('fixtures', 'tiny-distilbert');
    const onTfjs = (await loadModel(folder, { engine: 'tfjs' })) as EncoderModel;
    const onOrt = (await loadModel(folder, { engine: 'onnxruntime', threads: 2 })) as EncoderModel;
    expect([onTfjs.family, encoderEngineOf(onTfjs), encoderEngineOf(onOrt)]).toEqual(['distilbert', 'tfjs', 'onnxruntime']);
    // The tfjs forward pass (`run`) against ONNX Runtime's, on the same padded batch.
    const expected = onTfjs.run(TEXTS);
    const actual = await onOrt.encode(TEXTS);
    expect(actual.encodings.map((e) => e.ids)).toEqual(expected.encodings.map((e) => e.ids));
    const { hidden } = await differences(expected.outputs, actual.outputs);
    expect(hidden).toHaveLength(onTfjs.numLayers);
    for (const d of hidden) expect(d).toBeLessThan(TOLERANCE);
    // The sentence pair's second segment gets token type 0 too, as DistilBERT has no segments.
    expect(maxAbsDiff(await expected.outputs.lastHiddenState.data(), await actual.outputs.lastHiddenState.data())).toBeLessThan(TOLERANCE);
    [expected, actual].forEach((r) => r.dispose());
    [onTfjs, onOrt].forEach((m) => m.dispose());
  });
});

describe('engine choice', () => {
  it('refuses the onnxruntime engine for a model that is not a BERT, naming it', () => {
    expect(() => checkEngineRuns('elmo', { engine: 'onnxruntime' }, 'models/elmo-mini')).toThrow(
      'models/elmo-mini: the onnxruntime engine runs BERT and DistilBERT encoders only, not elmo models; use the tfjs engine',
    );
    expect(() => checkEngineRuns('bert', { engine: 'torch' as 'tfjs' }, 'x')).toThrow('unknown engine "torch" (expected auto, tfjs, onnxruntime)');
    expect(() => checkEngineRuns('elmo', { engine: 'auto' }, 'models/elmo-mini')).not.toThrow();
  });

  it.runIf(BERT_MINI)('auto runs a BERT on ONNX Runtime, unless attention probabilities are asked for; core defaults to tfjs', async () => {
    const engines = [];
    for (const options of [{ engine: 'auto' as const }, { engine: 'auto' as const, attentions: true }, {}]) {
      const model = await loadBert(BERT_MINI, options);
      engines.push(encoderEngineOf(model));
      model.dispose();
    }
    expect(engines).toEqual(['onnxruntime', 'tfjs', 'tfjs']);
  });
});
