/**
 * `wb pretrain gpt` (Node): a corpus folder and a byte-level BPE (vocab.json + merges.txt, e.g. from
 * `wb vocab --type bpe`) in, a Hugging Face GPT2LMHeadModel folder out (config.json,
 * model.safetensors, vocab.json, merges.txt, tokenizer_config.json) plus the loss curve and
 * `training.json` (settings, seed, steps, wall time, final loss, held-out perplexity). Training
 * state is saved every `checkpointEvery` steps; `resume` continues a killed run exactly.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { writeFileAtomic } from '../atomic-file.js';
import { writeSafetensors } from '../checkpoint/safetensors.js';
import { GPT2_DEFAULTS, gpt2ConfigToJson, gpt2TensorsToStore, initGpt2Weights, type Gpt2Config } from '../models/gpt2.js';
import { END_OF_TEXT } from '../tokenize/bpe-trainer.js';
import { byteLevelBpeTokenizer } from '../tokenize/byte-level-bpe.js';
import { PLAIN_TEMPLATE } from '../tokenize/templates.js';
import { builtModuleUrl, parallelHelpers } from '../train/gradient-workers.js';
import { meanOfLastSteps, runTraining, trainingSummary, type TrainingRunHooks } from '../train/run.js';
import { legacyVocabFnv, vocabSha } from '../train/state-files.js';
import { optimizerOptions, Trainer, type OptimizerSettings } from '../train/trainer.js';
import { readCorpus } from './corpus.js';
import { CausalLmData, type CausalLmBatch } from './gpt-data.js';
import { causalLmLoss, perplexity } from './gpt-loss.js';

export interface GptPretrainSettings extends OptimizerSettings {
  corpus: string;
  /** Folder with vocab.json and merges.txt. */
  tokenizer: string;
  layers: number;
  hidden: number;
  heads: number;
  /** MLP width (n_inner). */
  inner: number;
  /** Tokens per example, and the model's positions. */
  maxLength: number;
  /** Every n-th document is held out for perplexity (0: none). */
  heldOutEvery: number;
  /** Gradient worker threads (see BertPretrainSettings.workers); not recorded: the weights are the same with any number. */
  workers?: number;
}

export const GPT_PRETRAIN_DEFAULTS: Omit<GptPretrainSettings, 'corpus' | 'tokenizer'> = {
  layers: 4,
  hidden: 256,
  heads: 4,
  inner: 1024,
  maxLength: 128,
  batchSize: 16,
  accumulation: 1,
  steps: 1000,
  lr: 1e-3,
  warmup: 100,
  weightDecay: 0.01,
  maxGradNorm: 1,
  seed: 0,
  heldOutEvery: 50,
};

export async function pretrainGpt(outDir: string, settings: GptPretrainSettings, options: TrainingRunHooks = {}) {
  const log = options.onLog ?? (() => {});
  if (settings.hidden % settings.heads !== 0) throw new Error(`--hidden ${settings.hidden} is not divisible by --heads ${settings.heads}`);
  const vocabPath = join(settings.tokenizer, 'vocab.json');
  const mergesPath = join(settings.tokenizer, 'merges.txt');
  const vocabText = readFileSync(vocabPath, 'utf8');
  const merges = readFileSync(mergesPath, 'utf8');
  let vocabJson: unknown;
  try {
    vocabJson = JSON.parse(vocabText);
  } catch (e) {
    throw new Error(`${vocabPath}: not valid JSON (${(e as Error).message})`);
  }
  const names = { bos: END_OF_TEXT, eos: END_OF_TEXT, unk: END_OF_TEXT };
  const tokenizer = byteLevelBpeTokenizer(vocabJson, merges, { template: PLAIN_TEMPLATE, specialTokens: names, vocabSource: vocabPath, mergesSource: mergesPath });
  const endOfText = tokenizer.eosTokenId!;
  const config: Gpt2Config = {
    ...GPT2_DEFAULTS,
    vocabSize: tokenizer.vocabSize,
    nPositions: settings.maxLength,
    nEmbd: settings.hidden,
    nLayer: settings.layers,
    nHead: settings.heads,
    nInner: settings.inner,
    bosTokenId: endOfText,
    eosTokenId: endOfText,
  };

  const started = performance.now();
  const documents: number[][] = [];
  for (const file of readCorpus(settings.corpus)) {
    // A document is its sentences, one per line, as running text.
    for (const doc of file.documents) documents.push(tokenizer.encode(doc.join('\n')).ids);
  }
  const data = new CausalLmData(documents, endOfText, settings.maxLength, settings.heldOutEvery);
  log(
    `corpus: ${documents.length} documents, ${data.train.length} training and ${data.heldOut.length} held-out tokens ` +
      `(tokenised in ${((performance.now() - started) / 1000).toFixed(1)}s)`,
  );

  const weights = initGpt2Weights(config, settings.seed);
  const params = Object.fromEntries(Object.entries(weights).map(([name, t]) => [name, tf.variable(t, true)]));
  tf.dispose(Object.values(weights));
  const helpers = parallelHelpers(settings, { module: builtModuleUrl('pretrain/gpt-loss.js'), exportName: 'causalLmLossInWorker', setup: { config } });
  const trainer = new Trainer<CausalLmBatch>({
    params,
    lossFn: (batch) => causalLmLoss(params, config, batch),
    helpers,
    nextBatch: (rng) => {
      const batch = data.batch(rng, settings.batchSize);
      return { batch, tokens: batch.tokens };
    },
    ...optimizerOptions(settings),
  });
  const { workers, ...trainingSettings } = settings;
  const recorded = { ...trainingSettings, corpus: undefined, tokenizer: undefined, vocabSha: vocabSha(vocabText + merges) };
  const saveModel = () => {
    writeFileAtomic(join(outDir, 'config.json'), JSON.stringify(gpt2ConfigToJson(config), null, 2) + '\n');
    writeFileAtomic(join(outDir, 'model.safetensors'), writeSafetensors(gpt2TensorsToStore(params), { metadata: { format: 'pt' } }));
    writeFileAtomic(join(outDir, 'vocab.json'), vocabText);
    writeFileAtomic(join(outDir, 'merges.txt'), merges);
    writeFileAtomic(
      join(outDir, 'tokenizer_config.json'),
      JSON.stringify({ tokenizer_class: 'GPT2Tokenizer', bos_token: END_OF_TEXT, eos_token: END_OF_TEXT, unk_token: END_OF_TEXT, add_prefix_space: false, model_max_length: settings.maxLength }, null, 2) + '\n',
    );
  };
  const hooks = { ...options, legacySettings: { vocabSha: legacyVocabFnv(vocabText + merges) } };
  if (!(await runTraining(trainer, outDir, recorded, saveModel, hooks))) return { stopped: true, trainer, config };

  const heldOut = data.heldOutBatches(settings.batchSize);
  const heldOutPerplexity = await perplexity(params, config, heldOut);
  log(`held-out perplexity ${heldOutPerplexity.toFixed(2)} over ${heldOut.reduce((n, b) => n + b.tokens, 0)} tokens`);
  const summary = {
    ...trainingSummary('GPT2LMHeadModel', settings, trainer, { lm: meanOfLastSteps(trainer.state.history, (r) => r.loss) }),
    heldOut: { perplexity: heldOutPerplexity, tokens: heldOut.reduce((n, b) => n + b.tokens, 0), every: settings.heldOutEvery },
  };
  writeFileAtomic(join(outDir, 'training.json'), JSON.stringify(summary, null, 2) + '\n');
  return { stopped: false, trainer, config, summary };
}
