/**
 * The loaders' fuzz cases (run in a worker by `fuzz-loaders.test.ts`, under its watchdog): mutated
 * safetensors, config.json, tokenizer.json, vocab.txt, ELMo options.json and ELMo hdf5 files, each
 * fed to the loader that reads it in a real model folder (a tiny BERT and a tiny ELMo made here).
 * Every case must be rejected with an error naming the file, or load into something that works.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { expectNamed, fuzzWorkerMain, mutateBytes, mutateJson, mutateLines, type FuzzTarget } from '../../../../test/support/fuzz.js';
import { initBackend } from '../../src/backend.js';
import { readElmoHdf5, writeElmoHdf5 } from '../../src/checkpoint/allennlp-elmo.js';
import { bertToSafetensors } from '../../src/checkpoint/bert-checkpoint.js';
import { bertFromFiles } from '../../src/checkpoint/bert-folder.js';
import { elmoWeightsFromSafetensors, parseElmoOptionsText } from '../../src/checkpoint/elmo-folder.js';
import { bertConfigToJson } from '../../src/checkpoint/hf-config.js';
import type { ModelFiles } from '../../src/checkpoint/model-files.js';
import { readSafetensors, writeSafetensors } from '../../src/checkpoint/safetensors.js';
import { BERT_DEFAULTS, initBertWeights, type BertConfig } from '../../src/models/bert.js';
import { ElmoModel, initElmoWeights, parseElmoOptions } from '../../src/models/elmo/index.js';
import type { BertTokenizer } from '../../src/tokenize/bert-tokenizer.js';
import { bertTokenizerFromFiles } from '../../src/tokenize/from-files.js';

const SPECIAL = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];
const WORDS = ['the', 'bank', 'of', 'river', 'money', 'was', 'steep', 'hello', 'world', '.', ',', '!', 'a', 'b', 'e', 'i', 'r', 'v', '##s', '##e', '##r', '##ing', '##k', '##n', '##a'];
const VOCAB = [...SPECIAL, ...WORDS];
const TEXTS: Array<string | [string, string]> = ['the bank of the river.', 'Hello, world!', 'banks', ['the river', 'was steep'], '', 'ünïcödé 日本 [MASK] x'];

const CONFIG: BertConfig = {
  ...BERT_DEFAULTS,
  vocabSize: VOCAB.length,
  hiddenSize: 8,
  numHiddenLayers: 1,
  numAttentionHeads: 2,
  intermediateSize: 16,
  maxPositionEmbeddings: 24,
};

/** A model folder held in memory, read through the same interface as one on disk. */
function memoryFolder(location: string, files: Record<string, Uint8Array | string>): ModelFiles {
  const bytes = (name: string) => {
    const value = files[name];
    if (value === undefined) throw new Error(`${location}/${name}: does not exist`);
    return typeof value === 'string' ? new TextEncoder().encode(value) : value;
  };
  return {
    location,
    path: (name) => (name ? `${location}/${name}` : location),
    kind: (name) => (name === '' ? 'folder' : name in files ? 'file' : undefined),
    list: () => Object.keys(files),
    bytes,
    text: (name) => new TextDecoder().decode(bytes(name)),
    folder: (name) => {
      throw new Error(`${location}/${name}: no such folder`);
    },
  };
}

function tokenizerJson(vocab: string[]) {
  const special = (id: string) => ({ SpecialToken: { id, type_id: 0 } });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIAL.map((content) => ({ id: vocab.indexOf(content), content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [special('[CLS]'), { Sequence: { id: 'A', type_id: 0 } }, special('[SEP]')],
      pair: [special('[CLS]'), { Sequence: { id: 'A', type_id: 0 } }, special('[SEP]'), { Sequence: { id: 'B', type_id: 1 } }, { SpecialToken: { id: '[SEP]', type_id: 1 } }],
      special_tokens: {},
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab: Object.fromEntries(vocab.map((t, i) => [t, i])) },
  };
}

/** What a loaded tokenizer must do: every id an integer inside its vocabulary, tokens beside ids. */
function checkTokenizer(tokenizer: BertTokenizer): void {
  const size = tokenizer.vocabSize;
  if (!Number.isInteger(size) || size <= 0) throw new Error(`vocabSize ${size}`);
  for (const encoding of tokenizer.encodeBatch(TEXTS, { truncation: false })) {
    if (encoding.tokens.length !== encoding.ids.length) throw new Error('tokens and ids differ in length');
    for (const id of encoding.ids) if (!Number.isInteger(id) || id < 0 || id >= size) throw new Error(`id ${id} outside [0, ${size})`);
    for (const token of encoding.tokens) if (typeof token !== 'string') throw new Error(`token ${String(token)}`);
    tokenizer.decode(encoding.ids);
  }
}

async function makeTargets(): Promise<FuzzTarget[]> {
  await initBackend('cpu');
  const configText = JSON.stringify(bertConfigToJson(CONFIG), null, 2);
  const weights = initBertWeights(CONFIG, { pooler: true, mlm: false, nsp: false }, 7);
  const safetensors = bertToSafetensors(weights);
  tf.dispose(Object.values(weights));
  const vocabText = VOCAB.join('\n') + '\n';
  const tokenizerText = JSON.stringify(tokenizerJson(VOCAB));
  const bertFolder = (files: Record<string, Uint8Array | string>) =>
    memoryFolder('/fuzz/bert', { 'config.json': configText, 'model.safetensors': safetensors, 'vocab.txt': vocabText, ...files });

  /** A BERT folder with one file replaced must load as a model that runs, or be refused naming that file. */
  const loadBert = async (name: string, content: Uint8Array | string) => {
    const files = bertFolder({ [name]: content });
    const model = await expectNamed(files.path(name), () => bertFromFiles(files));
    return {
      check: () => {
        try {
          checkTokenizer(model.tokenizer);
          const run = model.run(['the bank of the river'], { truncation: 'longest_first' });
          const shape = run.outputs.lastHiddenState.shape;
          run.dispose();
          if (shape[0] !== 1 || shape[2] !== model.config.hiddenSize) throw new Error(`output shape [${shape}]`);
        } finally {
          tf.dispose(Object.values(model.weights));
        }
      },
    };
  };

  const elmoOptions = parseElmoOptions({
    lstm: { dim: 6, projection_dim: 4, n_layers: 1, cell_clip: 3, proj_clip: 3, use_skip_connections: true },
    char_cnn: { embedding: { dim: 2 }, filters: [[1, 2], [2, 3]], n_highway: 1, n_characters: 262, max_characters_per_token: 50, activation: 'relu' },
  });
  const elmoWeights = initElmoWeights(elmoOptions, { seed: 3 });
  const elmoTensors = Object.fromEntries(Object.entries(elmoWeights).map(([name, t]) => [name, { shape: t.shape, data: t.dataSync() as Float32Array }]));
  tf.dispose(Object.values(elmoWeights));
  const elmoSafetensors = writeSafetensors(elmoTensors);
  const scratch = mkdtempSync(join(tmpdir(), 'wb-fuzz-'));
  const hdf5Path = join(scratch, 'original.hdf5');
  await writeElmoHdf5(hdf5Path, elmoTensors);
  const hdf5 = new Uint8Array(readFileSync(hdf5Path));

  const targets: FuzzTarget[] = [
    {
      name: 'safetensors',
      cases: 400,
      run: (rng) => {
        const bytes = mutateBytes(safetensors, rng, 8 + Number(new DataView(safetensors.buffer).getBigUint64(0, true)));
        if (rng.next() < 0.5) return loadBert('model.safetensors', bytes);
        return expectNamed('/fuzz/model.safetensors', () => {
          const { tensors } = readSafetensors(bytes, '/fuzz/model.safetensors');
          return {
            check: () => {
              for (const [name, t] of tensors) {
                if (t.data.length !== t.shape.reduce((a, b) => a * b, 1)) throw new Error(`${name}: ${t.data.length} values for shape [${t.shape}]`);
              }
            },
          };
        });
      },
    },
    { name: 'config.json', cases: 300, run: (rng) => loadBert('config.json', mutateJson(JSON.parse(configText), rng)) },
    {
      name: 'tokenizer.json',
      cases: 300,
      run: async (rng) => {
        const files = memoryFolder('/fuzz/tokenizer', { 'tokenizer.json': mutateJson(JSON.parse(tokenizerText), rng, { depth: 100 }) });
        const tokenizer = await expectNamed(files.path('tokenizer.json'), () => bertTokenizerFromFiles(files));
        return { check: () => checkTokenizer(tokenizer) };
      },
    },
    {
      name: 'vocab.txt',
      cases: 300,
      run: (rng) => (rng.next() < 0.3 ? loadBert('vocab.txt', mutateLines(vocabText, rng)) : vocabOnly(mutateLines(vocabText, rng))),
    },
    {
      name: 'elmo options.json',
      cases: 300,
      run: async (rng) => {
        const optionsPath = '/fuzz/elmo/options.json';
        const text = mutateJson(elmoOptions, rng);
        const weightsPath = '/fuzz/elmo/model.safetensors';
        const options = await expectNamed(optionsPath, () => parseElmoOptionsText(text, optionsPath));
        // Options that parse must agree with the weights, or the error names both files.
        const weights = await expectNamed(weightsPath, () => elmoWeightsFromSafetensors(elmoSafetensors, weightsPath, options, optionsPath));
        return {
          check: () => {
            const model = new ElmoModel(options, weights);
            const out = model.run([['the', 'bank']]);
            tf.dispose([...out.layers, out.mask]);
            model.dispose();
          },
        };
      },
    },
    {
      name: 'elmo weights.hdf5',
      cases: 120,
      run: async (rng, index) => {
        const path = join(scratch, `case-${index}.hdf5`);
        writeFileSync(path, mutateBytes(hdf5, rng, 4096));
        try {
          const weights = await expectNamed(path, () => readElmoHdf5(path, elmoOptions, '/fuzz/elmo/options.json'));
          return {
            check: () => {
              for (const [name, t] of Object.entries(weights)) if (t.size !== (elmoTensors[name]?.data.length ?? -1)) throw new Error(`${name}: ${t.size} values`);
              tf.dispose(Object.values(weights));
            },
          };
        } finally {
          rmSync(path, { force: true });
        }
      },
    },
  ];

  /** vocab.txt alone (the tokenizer of a folder without tokenizer.json). */
  async function vocabOnly(text: string) {
    const files = memoryFolder('/fuzz/vocab', { 'vocab.txt': text });
    const tokenizer = await expectNamed(files.path('vocab.txt'), () => bertTokenizerFromFiles(files));
    return { check: () => checkTokenizer(tokenizer) };
  }

  process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));
  return targets;
}

fuzzWorkerMain(makeTargets);
