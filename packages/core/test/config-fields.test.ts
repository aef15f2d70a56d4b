/**
 * Every field of a model's configuration is checked by type and range before anything is allocated
 * from it (config.json, ELMo options.json, tokenizer.json ids), and bad files are named in the error.
 */
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { removeStaleTempFiles, writeFileAtomic } from '../src/atomic-file.js';
import { bertFromFiles } from '../src/checkpoint/bert-folder.js';
import { parseBertConfig } from '../src/checkpoint/bert-checkpoint.js';
import {
  configObject,
  finiteNumber,
  nonNegativeInt,
  oneOf,
  parseConfigJson,
  positiveInt,
  positiveNumber,
  requireDivisible,
  section,
} from '../src/checkpoint/config-fields.js';
import { diskFiles } from '../src/checkpoint/disk-files.js';
import { parseElmoOptionsText } from '../src/checkpoint/elmo-folder.js';
import { bertConfigFromJson, bertConfigToJson } from '../src/checkpoint/hf-config.js';
import { BERT_DEFAULTS } from '../src/models/bert.js';
import { loadTrainingState } from '../src/train/state-files.js';
import { bertTokenizerFromFiles } from '../src/tokenize/from-files.js';

const tempDir = () => mkdtempSync(join(tmpdir(), 'wb-config-'));

describe('config field readers', () => {
  const file = '/m/config.json';

  it('read positive integers with a bound and a default, naming the file and field', () => {
    expect(positiveInt({ n: 3 }, 'n', { max: 10 }, file)).toBe(3);
    expect(positiveInt({}, 'n', { max: 10, default: 4 }, file)).toBe(4);
    expect(positiveInt({ n: null }, 'n', { max: 10, default: 4 }, file)).toBe(4);
    expect(() => positiveInt({}, 'n', { max: 10 }, file)).toThrow('/m/config.json: "n" is missing (expected an integer from 1 to 10)');
    for (const bad of [0, -1, 0.5, 11, '3', true, [3], Number.MAX_SAFE_INTEGER + 2]) {
      expect(() => positiveInt({ n: bad }, 'n', { max: 10 }, file)).toThrow(`/m/config.json: "n" must be an integer from 1 to 10, got ${JSON.stringify(bad)}`);
    }
    expect(nonNegativeInt({ n: 0 }, 'n', { max: 10 }, file)).toBe(0);
    expect(() => positiveInt({ d: 0 }, 'd', { max: 10, path: 'lstm' }, file)).toThrow('"lstm.d" must be an integer from 1 to 10, got 0');
  });

  it('read numbers, enumerations and sections', () => {
    expect(positiveNumber({ eps: 1e-12 }, 'eps', { max: 1 }, file)).toBe(1e-12);
    expect(() => positiveNumber({ eps: 0 }, 'eps', { max: 1 }, file)).toThrow('"eps" must be a number > 0 and ≤ 1, got 0');
    expect(() => finiteNumber({ x: -1 }, 'x', { min: 0 }, file)).toThrow('"x" must be a finite number ≥ 0, got -1');
    expect(oneOf({ a: 'tanh' }, 'a', ['relu', 'tanh'], {}, file)).toBe('tanh');
    expect(() => oneOf({ a: 'gelu' }, 'a', ['relu', 'tanh'], {}, file)).toThrow('"a" must be one of "relu", "tanh", got "gelu"');
    expect(() => section({ lstm: 3 }, 'lstm', file)).toThrow('/m/config.json: "lstm" must be a JSON object, got 3');
    expect(() => section({}, 'lstm', file)).toThrow('"lstm" is missing (expected an object)');
    expect(() => requireDivisible(file, 'hidden_size', 10, 'num_attention_heads', 3)).toThrow('hidden_size 10 is not a multiple of num_attention_heads 3');
  });

  it('refuse a file that is not an object, or nested deeper than any config', () => {
    for (const [value, got] of [[null, 'null'], [[], 'a list'], [3, '3'], ['x', '"x"']] as const) {
      expect(() => configObject(value, file)).toThrow(`/m/config.json: the file must be a JSON object, got ${got}`);
    }
    expect(() => parseConfigJson('{"a": ', file)).toThrow(/\/m\/config\.json: not valid JSON/);
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    expect(() => parseConfigJson(`{"architectures": ${deep}}`, file)).toThrow('/m/config.json: nested more than 64 levels deep');
  });
});

describe('BERT config.json', () => {
  const json = (override: Record<string, unknown>) => ({ ...bertConfigToJson({ ...BERT_DEFAULTS, vocabSize: 100, hiddenSize: 16, numAttentionHeads: 2 }), ...override });
  const source = '/models/x/config.json';

  it('refuses sizes that would allocate without end, before allocating anything', () => {
    expect(() => bertConfigFromJson(json({ num_hidden_layers: 1_000_000 }), source)).toThrow(
      '/models/x/config.json: "num_hidden_layers" must be an integer from 1 to 256, got 1000000',
    );
    expect(() => bertConfigFromJson(json({ vocab_size: 4294967296 }), source)).toThrow('"vocab_size" must be an integer from 1 to 1048576');
    expect(() => bertConfigFromJson(json({ max_position_embeddings: 1e9 }), source)).toThrow('"max_position_embeddings" must be an integer');
  });

  it('refuses wrong types and values that make the model compute nonsense', () => {
    expect(() => bertConfigFromJson(json({ hidden_size: 16.5 }), source)).toThrow('"hidden_size" must be an integer from 1 to 16384, got 16.5');
    expect(() => bertConfigFromJson(json({ hidden_size: '768' }), source)).toThrow('"hidden_size" must be an integer from 1 to 16384, got "768"');
    expect(() => bertConfigFromJson(json({ layer_norm_eps: 0 }), source)).toThrow('"layer_norm_eps" must be a number > 0 and ≤ 1, got 0');
    expect(() => bertConfigFromJson(json({ layer_norm_eps: -1e-12 }), source)).toThrow('"layer_norm_eps" must be a number > 0');
    expect(() => bertConfigFromJson(json({ num_attention_heads: 3 }), source)).toThrow('hidden_size 16 is not a multiple of num_attention_heads 3');
    expect(() => bertConfigFromJson(json({ num_attention_heads: 0 }), source)).toThrow('"num_attention_heads" must be an integer from 1');
    expect(() => bertConfigFromJson(json({ pad_token_id: 100 }), source)).toThrow('"pad_token_id" must be an integer from 0 to 99, got 100');
    expect(() => bertConfigFromJson(json({ hidden_act: 'swishy' }), source)).toThrow('/models/x/config.json: hidden_act "swishy" is not supported');
    expect(() => bertConfigFromJson(json({ hidden_act: 3 }), source)).toThrow('"hidden_act" must be a non-empty string, got 3');
    expect(() => bertConfigFromJson(json({ model_type: ['bert'] }), source)).toThrow('model_type is ["bert"], expected "bert"');
  });

  it('names the file when config.json is null, a list or not JSON', () => {
    expect(() => parseBertConfig('null', source)).toThrow('/models/x/config.json: the file must be a JSON object, got null');
    expect(() => parseBertConfig('[]', source)).toThrow('/models/x/config.json: the file must be a JSON object, got a list');
    expect(() => parseBertConfig('{', source)).toThrow('/models/x/config.json: not valid JSON');
  });

  it('reads a real config unchanged', () => {
    const config = bertConfigFromJson(json({}), source);
    expect(config).toEqual({ ...BERT_DEFAULTS, vocabSize: 100, hiddenSize: 16, numAttentionHeads: 2 });
  });
});

describe('ELMo options.json', () => {
  const options = {
    lstm: { dim: 16, projection_dim: 8, n_layers: 2, cell_clip: 3, proj_clip: 3, use_skip_connections: true },
    char_cnn: { embedding: { dim: 4 }, filters: [[1, 4], [2, 4]], n_highway: 1, n_characters: 262, max_characters_per_token: 50, activation: 'relu' },
  };
  const parse = (edit: (o: typeof options) => void) => {
    const o = structuredClone(options);
    edit(o);
    return () => parseElmoOptionsText(JSON.stringify(o), '/e/options.json');
  };

  it('refuses sizes that would allocate without end', () => {
    expect(parse((o) => (o.char_cnn.n_highway = 4294967296))).toThrow('/e/options.json: "char_cnn.n_highway" must be an integer from 0 to 16, got 4294967296');
    expect(parse((o) => (o.lstm.n_layers = 1e6))).toThrow('"lstm.n_layers" must be an integer from 1 to 16');
    expect(parse((o) => (o.char_cnn.filters = [[1, 1e9]]))).toThrow('/e/options.json: char_cnn.filters must be a list of [width, count] pairs');
    expect(parse((o) => (o.char_cnn.filters = Array.from({ length: 8 }, () => [1, 16384])))).toThrow('char_cnn.filters add up to 131072 filters');
  });

  it('refuses wrong types', () => {
    expect(parse((o) => ((o.lstm as Record<string, unknown>).dim = '16'))).toThrow('"lstm.dim" must be an integer from 1 to 65536, got "16"');
    expect(parse((o) => ((o.lstm as Record<string, unknown>).use_skip_connections = 'yes'))).toThrow('"lstm.use_skip_connections" must be true or false');
    expect(parse((o) => ((o.lstm as Record<string, unknown>).cell_clip = -3))).toThrow('"lstm.cell_clip" must be a finite number from 0 to 1000000, got -3');
    expect(parse((o) => ((o.char_cnn as Record<string, unknown>).activation = 'gelu'))).toThrow('"char_cnn.activation" must be one of "relu", "tanh"');
    expect(parse((o) => ((o as Record<string, unknown>).lstm = null))).toThrow('"lstm" must be a JSON object, got null');
    expect(parse((o) => delete (o as Record<string, unknown>).lstm)).toThrow('"lstm" is missing (expected an object)');
    expect(() => parseElmoOptionsText('null', '/e/options.json')).toThrow('/e/options.json: options.json (with "lstm" and "char_cnn") must be a JSON object, got null');
  });

  it('keeps what it does not read and fills the defaults', () => {
    const parsed = parseElmoOptionsText(JSON.stringify({ ...options, n_tokens_vocab: 10 }), '/e/options.json');
    expect(parsed.n_tokens_vocab).toBe(10);
    expect(parsed.lstm).toEqual(options.lstm);
    expect(parsed.char_cnn.max_characters_per_token).toBe(50);
  });
});

describe('tokenizer ids', () => {
  const vocab = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'the', 'bank'];
  const tokenizerJson = (ids: unknown[]) => ({
    model: { type: 'WordPiece', unk_token: '[UNK]', vocab: Object.fromEntries(vocab.map((t, i) => [t, i < ids.length ? ids[i] : i])) },
    normalizer: { type: 'BertNormalizer', lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
  });
  const folder = (files: Record<string, string>) => {
    const dir = tempDir();
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    return dir;
  };

  it('refuses ids that are not token ids, naming tokenizer.json; gaps (a vocab.txt with duplicates) are fine', () => {
    for (const [ids, shown] of [[[0, 1, 2, 3, 4, null], 'null'], [[0, 1, 2, 3, 4, 0.5], '0.5'], [[0, 1, 2, 3, 4, 2 ** 24], '16777216'], [[0, 1, 2, 3, 4, -1], '-1'], [[0, 1, 2, 3, 4, '5'], '"5"']] as const) {
      const dir = folder({ 'tokenizer.json': JSON.stringify(tokenizerJson([...ids])) });
      expect(() => bertTokenizerFromFiles(diskFiles(dir))).toThrow(
        `${join(dir, 'tokenizer.json')}: model.vocab token "the" has id ${shown}; ids must be integers from 0 to 16777215`,
      );
    }
    const gaps = bertTokenizerFromFiles(diskFiles(folder({ 'tokenizer.json': JSON.stringify(tokenizerJson([0, 1, 2, 3, 4, 9, 10])) })));
    expect(gaps.encode('the bank').ids).toEqual([2, 9, 10, 3]);
    const added = { ...tokenizerJson([]), added_tokens: [{ id: 1.5, content: '[X]' }] };
    expect(() => bertTokenizerFromFiles(diskFiles(folder({ 'tokenizer.json': JSON.stringify(added) })))).toThrow('added_tokens[0] "[X]" has id 1.5');
  });

  it('encodes a good tokenizer.json to ids inside its vocabulary', () => {
    const tokenizer = bertTokenizerFromFiles(diskFiles(folder({ 'tokenizer.json': JSON.stringify(tokenizerJson([])) })));
    expect(tokenizer.encode('the bank').ids).toEqual([2, 5, 6, 3]);
  });

  it('names tokenizer_config.json when it is null', () => {
    const dir = folder({ 'vocab.txt': vocab.join('\n'), 'tokenizer_config.json': 'null' });
    expect(() => bertTokenizerFromFiles(diskFiles(dir))).toThrow(`${join(dir, 'tokenizer_config.json')}: the file must be a JSON object, got null`);
  });

  it('names a model file that is a folder (EISDIR says no path)', () => {
    const dir = folder({});
    mkdirSync(join(dir, 'vocab.txt'));
    writeFileSync(join(dir, 'config.json'), JSON.stringify(bertConfigToJson({ ...BERT_DEFAULTS, vocabSize: 7, hiddenSize: 4, numAttentionHeads: 1 })));
    expect(() => bertTokenizerFromFiles(diskFiles(dir))).toThrow(`${join(dir, 'vocab.txt')}: is a folder, expected a file`);
    mkdirSync(join(dir, 'model.safetensors'));
    expect(() => bertFromFiles(diskFiles(dir))).toThrow(`${join(dir, 'model.safetensors')}: is a folder, expected a file`);
  });
});

describe('training state and temporary files', () => {
  it('names a truncated state.json', () => {
    const out = tempDir();
    mkdirSync(join(out, 'train-state'));
    writeFileSync(join(out, 'train-state', 'state.json'), '{"file": "state-4.safet');
    expect(() => loadTrainingState(out, {})).toThrow(`${join(out, 'train-state', 'state.json')}: not a readable training state`);
    writeFileSync(join(out, 'train-state', 'state.json'), 'null');
    expect(() => loadTrainingState(out, {})).toThrow(`${join(out, 'train-state', 'state.json')}: not a training state`);
  });

  it('removes temporary files whose writer died, and only those', () => {
    const dir = tempDir();
    const dead = 2 ** 22 + 12345; // above Linux's largest pid_max: no such process (the parent, process.ppid, runs)
    for (const name of [`a.json.tmp-${dead}`, `b.json.tmp-${dead}`, `a.json.tmp-${process.ppid}`, `.nb.ipynb.${dead}.1700000000000.tmp`, 'a.json', 'notes.tmp']) {
      writeFileSync(join(dir, name), 'x');
    }
    writeFileAtomic(join(dir, 'a.json'), '{}');
    expect(readdirSync(dir).sort()).toEqual([`.nb.ipynb.${dead}.1700000000000.tmp`, 'a.json', `a.json.tmp-${process.ppid}`, `b.json.tmp-${dead}`, 'notes.tmp'].sort());
    expect(removeStaleTempFiles(dir).sort()).toEqual([`.nb.ipynb.${dead}.1700000000000.tmp`, `b.json.tmp-${dead}`]);
  });

  it('names the target when a write fails', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'out.json'));
    expect(() => writeFileAtomic(join(dir, 'out.json'), '{}')).toThrow(`cannot write ${join(dir, 'out.json')}: is a folder`);
    expect(readdirSync(dir)).toEqual(['out.json']);
  });
});
