/**
 * `exportBertOnnx`: a lone .onnx file, or a Transformers.js folder (onnx/model.onnx, config.json,
 * tokenizer.json, tokenizer_config.json) whose tokenizer.json, written from a vocab.txt, gives the
 * ids of our tokenizer in tokenizers.js (Hugging Face's JS port) and in our own reader.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Tokenizer } from '@huggingface/tokenizers';
import ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../src/backend.js';
import { exportBertOnnx } from '../src/onnx/export-bert.js';
import { BertTokenizer } from '../src/tokenize/bert-tokenizer.js';
import { loadBertTokenizer } from '../src/tokenize/load.js';

const BERT_MINI = fileURLToPath(new URL('../../../models/bert-mini', import.meta.url));

const TEXTS: Array<[string, string?]> = [
  ['The bank raised its interest rates.'],
  ['Crème brûlée at the Café, naïve façade!', 'UNUSUALWORDS like antidisestablishmentarianism'],
  ['中文 text and emoji 🙂 with [MASK] and [SEP] inside'],
  ['  spaces\tand\nnewlines  ', 'second'],
];

describe.runIf(existsSync(BERT_MINI))('exportBertOnnx on models/bert-mini', () => {
  let out: string;

  beforeAll(async () => {
    await initBackend();
    out = mkdtempSync(join(tmpdir(), 'wb-onnx-export-'));
  });

  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('writes the model alone to a path ending in .onnx', () => {
    const file = join(out, 'alone', 'bert-mini.onnx');
    const result = exportBertOnnx(BERT_MINI, file);
    expect(result.files).toEqual([file]);
    expect(readFileSync(file).length).toBe(result.bytes);
  });

  it('lays out a Transformers.js folder that ONNX Runtime loads', async () => {
    const folder = join(out, 'transformers-js');
    const result = exportBertOnnx(BERT_MINI, folder);
    expect(result.files[0]).toBe(join(folder, 'onnx', 'model.onnx'));
    expect(readdirSync(folder).sort()).toEqual(['config.json', 'onnx', 'tokenizer.json', 'tokenizer_config.json', 'vocab.txt']);
    expect(JSON.parse(readFileSync(join(folder, 'config.json'), 'utf8')).model_type).toBe('bert');
    expect(JSON.parse(readFileSync(join(folder, 'tokenizer_config.json'), 'utf8'))).toMatchObject({ tokenizer_class: 'BertTokenizer', do_lower_case: true, cls_token: '[CLS]' });
    const session = await ort.InferenceSession.create(join(folder, 'onnx', 'model.onnx'));
    expect(session.inputNames).toEqual(['input_ids', 'attention_mask', 'token_type_ids']);
    expect(session.outputNames).toEqual(['last_hidden_state', 'hidden_states.0', 'hidden_states.1', 'hidden_states.2', 'hidden_states.3', 'hidden_states.4', 'pooler_output']);
    await session.release();
  });

  it('writes a tokenizer.json that tokenizers.js and our reader encode as the vocab.txt tokenizer does', () => {
    const folder = join(out, 'transformers-js');
    if (!existsSync(join(folder, 'tokenizer.json'))) exportBertOnnx(BERT_MINI, folder);
    const json = JSON.parse(readFileSync(join(folder, 'tokenizer.json'), 'utf8'));
    const ours = loadBertTokenizer(BERT_MINI);
    const oracle = new Tokenizer(json, {});
    const reread = BertTokenizer.fromTokenizerJson(json);
    for (const [text, pair] of TEXTS) {
      const expected = ours.encode(text, pair ?? null);
      const theirs = oracle.encode(text, pair === undefined ? {} : { text_pair: pair, return_token_type_ids: true });
      expect(theirs.ids, text).toEqual(expected.ids);
      if (pair !== undefined) expect(theirs.token_type_ids, text).toEqual(expected.tokenTypeIds);
      expect(reread.encode(text, pair ?? null).ids, text).toEqual(expected.ids);
    }
  });
});
