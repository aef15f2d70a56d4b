/**
 * Loading any model, in any environment: `loadModel(source)` reads a folder (a path in Node, a URL
 * path in the browser kernel, a hub id once downloaded, or a `ModelFiles` given directly), finds
 * its family from its files and returns the family-agnostic `LanguageModel`. The other loaders
 * are thin views of the same path: `loadBert`/`loadElmo` check the family, `loadBertCheckpoint`,
 * `loadDistilBertCheckpoint` and `readModelTensors` stop before building a model, `loadBertTokenizer` reads a BERT tokenizer only.
 *
 * A source becomes a folder in one place, `openModelFolder` (and its synchronous twin for the
 * loaders that always were synchronous): the environment's file access (`file-access.ts`) turns a
 * string into files, which in Node is where hub ids become their snapshot folder, then a hub
 * cache's download layout is followed to its snapshot.
 */
import { bertCheckpointFromFiles, readModelTensorsFrom, resolveModelFolder } from './checkpoint/bert-folder.js';
import type { BertCheckpoint } from './checkpoint/bert-checkpoint.js';
import { fileAccess, installedFileAccess } from './checkpoint/file-access.js';
import type { ModelFiles } from './checkpoint/model-files.js';
import type { StoredTensor } from './checkpoint/safetensors.js';
import type { ContextualEmbedder } from './embed.js';
import type { BertModel } from './models/bert-model.js';
import type { ElmoModel, ElmoModelOptions } from './models/elmo/index.js';
import { distilbertCheckpointFromFiles, familyModule, familyOf } from './models/families.js';
import type { FamilyName, LanguageModel } from './models/language-model.js';
import type { BertTokenizer } from './tokenize/bert-tokenizer.js';
import { bertTokenizerFromFiles } from './tokenize/from-files.js';

/** A model folder: a path (or URL path, or hub id) for the environment's file access, or its files. */
export type ModelRef = string | ModelFiles;

export interface LoadModelOptions {
  /** Hub models: the branch, tag or commit. */
  revision?: string;
  /** ELMo: ScalarMix representations to add. */
  elmo?: ElmoModelOptions;
}

/** ELMo's two files named one by one, when they are not a folder's usual names. */
export interface ElmoFilePaths {
  optionsPath: string;
  weightsPath: string;
}

/**
 * The folder a source names, ready to read: the one place where sources are resolved. A string
 * goes to the installed file access (Node: a path, or a hub id downloaded to the hub cache; the
 * browser kernel: a URL path on the workbench server); then a hub cache entry
 * (`models--org--name`) is followed to its snapshot.
 */
async function openModelFolder(source: ModelRef, options: { revision?: string } = {}): Promise<ModelFiles> {
  const files = typeof source === 'string' ? await fileAccess().open(source, options) : source;
  return resolveModelFolder(files);
}

/** `openModelFolder` without fetching anything (a hub model must be in the cache already). */
function openModelFolderSync(source: ModelRef): ModelFiles {
  return resolveModelFolder(typeof source === 'string' ? fileAccess().openSync(source) : source);
}

/** Any model folder as the family-agnostic model: BERT, DistilBERT, RoBERTa, ALBERT, GPT-2 or ELMo. */
export async function loadModel(source: ModelRef, options: LoadModelOptions = {}): Promise<LanguageModel> {
  const files = await openModelFolder(source, options);
  return familyModule(familyOf(files)).load(files, { access: installedFileAccess(), elmo: options.elmo });
}

/** The family of a model folder (config.json's model_type, or ELMo's options.json). */
export function detectModelFamily(source: ModelRef): FamilyName {
  return familyOf(openModelFolderSync(source));
}

/** A BERT folder as a `BertModel` (with NSP and the encoder engines), read as BERT whatever else it is. */
export async function loadBert(source: ModelRef, options: LoadModelOptions = {}): Promise<BertModel> {
  const files = await openModelFolder(source, options);
  return (await familyModule('bert').load(files, {})) as BertModel;
}

/** An AllenNLP ELMo: a folder (options.json + weights), or its two files named one by one. */
export async function loadElmo(source: ModelRef | ElmoFilePaths, modelOptions: ElmoModelOptions = {}): Promise<ElmoModel> {
  if (typeof source === 'object' && 'optionsPath' in source) {
    if (!source.optionsPath || !source.weightsPath) throw new Error('loadElmo: give both optionsPath and weightsPath');
    const [optionsDir, optionsName] = splitPath(source.optionsPath);
    const [weightsDir, weightFile] = splitPath(source.weightsPath);
    const access = fileAccess();
    const files = access.openSync(weightsDir);
    const optionsFiles = access.openSync(optionsDir);
    for (const [folder, name] of [[optionsFiles, optionsName], [files, weightFile]] as const) {
      if (folder.kind(name) !== 'file') throw new Error(`ELMo file ${folder.path(name)} does not exist`);
    }
    return (await familyModule('elmo').load(files, { access, elmo: modelOptions, optionsFiles, optionsName, weightFile })) as ElmoModel;
  }
  const files = await openModelFolder(source);
  return (await familyModule('elmo').load(files, { access: installedFileAccess(), elmo: modelOptions })) as ElmoModel;
}

/**
 * Any model folder as a ContextualEmbedder (per-word vectors of every layer), for code that only
 * needs "the vector of this word in this sentence".
 */
export async function loadEmbedder(source: ModelRef, options: LoadModelOptions = {}): Promise<ContextualEmbedder> {
  return loadModel(source, options);
}

/** A BERT folder's config and weights, checked against each other, without a model around them. */
export function loadBertCheckpoint(source: ModelRef): BertCheckpoint & { dir: string } {
  const { files, ...checkpoint } = bertCheckpointFromFiles(openModelFolderSync(source));
  return { ...checkpoint, dir: files.location };
}

/** A DistilBERT folder's config and BERT-named weights, without a model around them. */
export function loadDistilBertCheckpoint(source: ModelRef): ReturnType<typeof distilbertCheckpointFromFiles> & { dir: string } {
  const files = openModelFolderSync(source);
  return { ...distilbertCheckpointFromFiles(files), dir: files.location };
}

/** Every tensor of the folder's safetensors file(s), as stored. */
export function readModelTensors(source: ModelRef): Map<string, StoredTensor> {
  return readModelTensorsFrom(openModelFolderSync(source));
}

/** The folder a source names (the snapshot, for a hub model or a hub cache entry). */
export function resolveModelDir(source: ModelRef): string {
  return openModelFolderSync(source).location;
}

/** A BERT folder's WordPiece tokenizer (tokenizer.json or vocab.txt). */
export function loadBertTokenizer(source: ModelRef): BertTokenizer {
  return bertTokenizerFromFiles(openModelFolderSync(source));
}

/** "a/b/c.json" → ["a/b", "c.json"] (paths on disk and URL paths alike). */
function splitPath(path: string): [string, string] {
  const slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return slash < 0 ? ['.', path] : [path.slice(0, slash) || '/', path.slice(slash + 1)];
}
