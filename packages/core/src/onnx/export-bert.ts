/**
 * `wb export onnx`: a BERT folder's encoder as ONNX (Node). A path ending in `.onnx` gets the
 * model alone; any other path becomes a folder laid out as Transformers.js loads it:
 * `onnx/model.onnx` beside `config.json`, `tokenizer.json` and `tokenizer_config.json` (plus the
 * folder's `vocab.txt` and `special_tokens_map.json`, when it has them).
 */
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../atomic-file.js';
import { bertFromFiles } from '../checkpoint/bert-folder.js';
import { diskFiles } from '../checkpoint/disk-files.js';
import { resolveModelDir } from '../checkpoint/model-folder.js';
import { bertToOnnx } from '../models/bert-onnx.js';
import { bertTokenizerJson } from '../tokenize/bert-tokenizer-json.js';

export interface OnnxExport {
  /** Every file written, the model first. */
  files: string[];
  /** Size of the ONNX model in bytes. */
  bytes: number;
}

/** The files of a model folder that a Transformers.js folder takes as they are. */
const COPIED = ['config.json', 'vocab.txt', 'special_tokens_map.json', 'tokenizer.json'];

export function exportBertOnnx(modelDir: string, out: string): OnnxExport {
  const dir = resolveModelDir(modelDir);
  const bert = bertFromFiles(diskFiles(dir));
  try {
    const model = bertToOnnx(bert.config, bert.weights, { source: modelDir });
    if (out.endsWith('.onnx')) {
      writeFileAtomic(out, model);
      return { files: [out], bytes: model.length };
    }
    const files = [join(out, 'onnx', 'model.onnx')];
    writeFileAtomic(files[0], model);
    for (const name of COPIED) {
      if (!existsSync(join(dir, name))) continue;
      copyFileSync(join(dir, name), join(out, name));
      files.push(join(out, name));
    }
    if (!existsSync(join(dir, 'tokenizer.json'))) {
      writeFileAtomic(join(out, 'tokenizer.json'), JSON.stringify(bertTokenizerJson(bert.tokenizer)) + '\n');
      files.push(join(out, 'tokenizer.json'));
    }
    writeFileAtomic(join(out, 'tokenizer_config.json'), JSON.stringify(tokenizerConfig(dir, bert.tokenizer), null, 2) + '\n');
    files.push(join(out, 'tokenizer_config.json'));
    return { files, bytes: model.length };
  } finally {
    bert.dispose();
  }
}

/** The folder's tokenizer_config.json with what Transformers.js looks for filled in. */
function tokenizerConfig(dir: string, tokenizer: ReturnType<typeof bertFromFiles>['tokenizer']): Record<string, unknown> {
  const path = join(dir, 'tokenizer_config.json');
  let existing: Record<string, unknown> = {};
  if (existsSync(path)) {
    try {
      existing = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw new Error(`${path}: not valid JSON (${(error as Error).message})`, { cause: error });
    }
  }
  return {
    tokenizer_class: 'BertTokenizer',
    do_lower_case: tokenizer.doLowerCase,
    unk_token: tokenizer.unkToken,
    cls_token: tokenizer.clsToken,
    sep_token: tokenizer.sepToken,
    pad_token: tokenizer.padToken,
    mask_token: tokenizer.maskToken,
    ...(tokenizer.modelMaxLength ? { model_max_length: tokenizer.modelMaxLength } : {}),
    ...existing,
  };
}
