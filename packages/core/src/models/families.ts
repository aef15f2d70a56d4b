/**
 * The family table: every model family the workbench loads, how a folder says which one it is
 * (config.json's `model_type`; AllenNLP's options.json for ELMo), and how each is read from a
 * folder. What each family *is* (config fields, weight names, tokenizer, forward pass) lives in
 * its module (`bert.ts`, `distilbert.ts`, `roberta.ts`, `albert.ts`, `gpt2.ts`, `elmo/`); this
 * table only wires files to it. Nothing outside core branches on the family.
 */
import * as tf from '@tensorflow/tfjs-core';
import { bertFromFiles, readModelTensorsFrom } from '../checkpoint/bert-folder.js';
import { configObject } from '../checkpoint/config-fields.js';
import { elmoWeightsFromHdf5, elmoWeightsFromSafetensors, parseElmoOptionsText, pickElmoWeightFile } from '../checkpoint/elmo-folder.js';
import type { FileAccess } from '../checkpoint/file-access.js';
import type { ModelFiles } from '../checkpoint/model-files.js';
import type { Tokenizer } from '../tokenize/tokenizer.js';
import { tokenizerFromFiles, type TokenizerDefaults } from '../tokenize/tokenizer-files.js';
import { ALBERT_TOKENIZER, albertConfigFromJson, albertModel, albertWeightsFromStored } from './albert.js';
import type { BertWeights } from './bert.js';
import { distilbertConfigFromJson, distilbertModel, distilbertWeightsFromStored, type DistilBertConfig } from './distilbert.js';
import { ElmoModel, type ElmoModelOptions } from './elmo/index.js';
import { GPT2_TOKENIZER, gpt2ConfigFromJson, gpt2WeightsFromStored } from './gpt2.js';
import { Gpt2Model } from './gpt2-model.js';
import type { FamilyName, LanguageModel } from './language-model.js';
import { ROBERTA_TOKENIZER, robertaConfigFromJson, robertaModel, robertaWeightsFromStored } from './roberta.js';

interface LoadContext {
  /** Reads hdf5 files where the folder lives (ELMo's weights). */
  access?: FileAccess;
  /** ELMo: ScalarMix representations to add. */
  elmo?: ElmoModelOptions;
  /** ELMo: the weight file to read instead of the one the folder's names suggest. */
  weightFile?: string;
  /** ELMo: the folder holding options.json, when it is not the weights' folder, and its name there. */
  optionsFiles?: ModelFiles;
  optionsName?: string;
}

interface FamilyModule {
  readonly name: FamilyName;
  /** config.json `model_type` values this family reads. */
  readonly modelTypes: readonly string[];
  /** What the family's tokenizer files leave unsaid (absent: no tokenizer, ELMo reads characters). */
  readonly tokenizer?: TokenizerDefaults;
  load(files: ModelFiles, context: LoadContext): Promise<LanguageModel>;
}

const bertFamily: FamilyModule = {
  name: 'bert',
  modelTypes: ['bert'],
  tokenizer: {},
  load: async (files) => bertFromFiles(files),
};

const distilbertFamily: FamilyModule = {
  name: 'distilbert',
  modelTypes: ['distilbert'],
  tokenizer: {},
  async load(files) {
    const config = distilbertConfigFromJson(readConfig(files), files.path('config.json'));
    const tokenizer = checkedTokenizer(files, tokenizerFromFiles(files), config.vocabSize);
    return distilbertModel(config, distilbertWeights(files, config), tokenizer);
  },
};

/** A DistilBERT folder's config and BERT-named weights without a model around them (a student to continue distilling). */
export function distilbertCheckpointFromFiles(files: ModelFiles): { config: DistilBertConfig; weights: BertWeights } {
  const config = distilbertConfigFromJson(readConfig(files), files.path('config.json'));
  return { config, weights: distilbertWeights(files, config) };
}

/** The encoder and masked-LM head; task heads (`classifier`, `qa_outputs`, …) are dropped. */
function distilbertWeights(files: ModelFiles, config: DistilBertConfig): BertWeights {
  const { weights, extra } = distilbertWeightsFromStored(readModelTensorsFrom(files), config, weightsSource(files));
  tf.dispose(Object.values(extra));
  return weights;
}

const robertaFamily: FamilyModule = {
  name: 'roberta',
  modelTypes: ['roberta', 'xlm-roberta'],
  tokenizer: ROBERTA_TOKENIZER,
  async load(files) {
    const config = robertaConfigFromJson(readConfig(files), files.path('config.json'));
    const tokenizer = checkedTokenizer(files, tokenizerFromFiles(files, ROBERTA_TOKENIZER), config.bert.vocabSize);
    const { weights, extra } = robertaWeightsFromStored(readModelTensorsFrom(files), config, weightsSource(files));
    tf.dispose(Object.values(extra));
    return robertaModel(config, weights, tokenizer);
  },
};

const albertFamily: FamilyModule = {
  name: 'albert',
  modelTypes: ['albert'],
  tokenizer: ALBERT_TOKENIZER,
  async load(files) {
    const config = albertConfigFromJson(readConfig(files), files.path('config.json'));
    const tokenizer = checkedTokenizer(files, tokenizerFromFiles(files, ALBERT_TOKENIZER), config.bert.vocabSize);
    const { weights, extra } = albertWeightsFromStored(readModelTensorsFrom(files), config, weightsSource(files));
    tf.dispose(Object.values(extra));
    return albertModel(config, weights, tokenizer);
  },
};

const gpt2Family: FamilyModule = {
  name: 'gpt2',
  modelTypes: ['gpt2'],
  tokenizer: GPT2_TOKENIZER,
  async load(files) {
    const config = gpt2ConfigFromJson(readConfig(files), files.path('config.json'));
    const tokenizer = checkedTokenizer(files, tokenizerFromFiles(files, GPT2_TOKENIZER), config.vocabSize);
    const weights = gpt2WeightsFromStored(readModelTensorsFrom(files), config, weightsSource(files));
    return new Gpt2Model(config, weights, tokenizer);
  },
};

const elmoFamily: FamilyModule = {
  name: 'elmo',
  modelTypes: [],
  async load(files, context) {
    const optionsFiles = context.optionsFiles ?? files;
    const weightFile = context.weightFile ?? pickElmoWeightFile(files);
    const optionsName = context.optionsName ?? 'options.json';
    const optionsPath = optionsFiles.path(optionsName);
    const weightsPath = files.path(weightFile);
    const options = parseElmoOptionsText(optionsFiles.text(optionsName), optionsPath);
    let weights;
    if (weightFile.endsWith('.safetensors')) {
      weights = elmoWeightsFromSafetensors(files.bytes(weightFile), weightsPath, options, optionsPath);
    } else {
      if (!context.access) throw new Error(`${weightsPath}: reading hdf5 needs a file access (load through loadModel)`);
      weights = await context.access.readHdf5(files, weightFile, (h5, file) => elmoWeightsFromHdf5(h5, file, weightsPath, options, optionsPath));
    }
    return new ElmoModel(options, weights, context.elmo);
  },
};

const MODEL_FAMILIES: readonly FamilyModule[] = [bertFamily, distilbertFamily, robertaFamily, albertFamily, gpt2Family, elmoFamily];

/** The family of a model folder: config.json's model_type (none: an original BERT release), or ELMo's options.json. */
export function familyOf(files: ModelFiles): FamilyName {
  if (files.kind('config.json')) {
    const type = readConfig(files).model_type;
    if (type === undefined) return 'bert';
    const family = MODEL_FAMILIES.find((f) => f.modelTypes.includes(type as string));
    if (!family) {
      const known = MODEL_FAMILIES.flatMap((f) => f.modelTypes).join(', ');
      throw new Error(`${files.path('config.json')}: model_type ${JSON.stringify(type)} is not one this workbench loads (${known})`);
    }
    return family.name;
  }
  if (files.kind('options.json')) return 'elmo';
  throw new Error(`${files.location}: neither config.json (a Hugging Face model) nor options.json (an AllenNLP ELMo) found`);
}

export function familyModule(name: FamilyName): FamilyModule {
  return MODEL_FAMILIES.find((f) => f.name === name)!;
}

/** The weights file(s), for errors about the tensors in them. */
function weightsSource(files: ModelFiles): string {
  return files.kind('model.safetensors') ? files.path('model.safetensors') : files.path('model.safetensors.index.json');
}

function readConfig(files: ModelFiles): Record<string, unknown> {
  const path = files.path('config.json');
  let json: unknown;
  try {
    json = JSON.parse(files.text('config.json'));
  } catch (e) {
    throw new Error(`${path}: not valid JSON (${(e as Error).message})`, { cause: e });
  }
  return configObject(json, path);
}

/** A tokenizer with ids the model has: more tokens than the embedding table's rows is an error. */
function checkedTokenizer(files: ModelFiles, tokenizer: Tokenizer, vocabSize: number): Tokenizer {
  if (tokenizer.vocabSize > vocabSize) {
    throw new Error(`${files.location}: the tokenizer has ${tokenizer.vocabSize} tokens but the model's vocab_size is ${vocabSize}`);
  }
  return tokenizer;
}
