/**
 * Node's model loaders: core's (`load-model.ts`), reading folders on disk and hub ids through the
 * hub cache (`checkpoint/disk-access.ts`, installed here), and able to run a BERT encoder on
 * another engine (`encoder-engine.ts`: ONNX Runtime).
 */
import { diskAccess } from './checkpoint/disk-access.js';
import { useFileAccess } from './checkpoint/file-access.js';
import type { ContextualEmbedder } from './embed.js';
import { useEngine, type EngineOptions } from './encoder-engine.js';
import * as core from './load-model.js';
import type { BertModel } from './models/bert-model.js';
import type { LanguageModel } from './models/language-model.js';

useFileAccess(diskAccess);

export { detectModelFamily, loadBertCheckpoint, loadBertTokenizer, loadDistilBertCheckpoint, loadElmo, readModelTensors, resolveModelDir } from './load-model.js';

/** Any model folder or hub id (`org/name@rev`, downloaded into the hub cache when needed), its encoder on `options.engine`. */
export async function loadModel(source: core.ModelRef, options: core.LoadModelOptions & EngineOptions = {}): Promise<LanguageModel> {
  return withEngine(await core.loadModel(source, options), options, source);
}

/** A BERT folder or hub id; its encoder on `options.engine`. */
export async function loadBert(source: core.ModelRef, options: core.LoadModelOptions & EngineOptions = {}): Promise<BertModel> {
  return withEngine(await core.loadBert(source, options), options, source);
}

/** Any model folder as a ContextualEmbedder (per-word vectors of every layer). */
export async function loadEmbedder(source: core.ModelRef, options: core.LoadModelOptions & EngineOptions = {}): Promise<ContextualEmbedder> {
  return loadModel(source, options);
}

/** The model on the engine asked for; a model the engine cannot run is freed before the error. */
async function withEngine<M extends LanguageModel>(model: M, options: EngineOptions, source: core.ModelRef): Promise<M> {
  try {
    return await useEngine(model, options, typeof source === 'string' ? source : source.location);
  } catch (e) {
    model.dispose();
    throw e;
  }
}
