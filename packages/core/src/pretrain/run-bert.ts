/**
 * `wb pretrain bert` (Node): a corpus folder and a vocab.txt in, a Hugging Face BertForPreTraining
 * folder out (config.json, model.safetensors, vocab.txt, tokenizer_config.json) plus the loss curve
 * and `training.json` (settings, seed, steps, wall time, final losses). Training state is saved every
 * `checkpointEvery` steps; `resume` continues a killed run exactly.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { writeFileAtomic } from '../atomic-file.js';
import { saveBertCheckpoint } from '../checkpoint/model-folder.js';
import { BERT_DEFAULTS, bertWeightShapes, initBertWeights, type BertConfig, type BertWeights } from '../models/bert.js';
import { loadBertCheckpoint, loadBertTokenizer } from '../load.js';
import { mimeticAttention, sinusoidalPositions } from './bert-init.js';
import { BertTokenizer, vocabLines } from '../tokenize/bert-tokenizer.js';
import { optimizerOptions, Trainer, type OptimizerSettings, type StepRecord } from '../train/trainer.js';
import { builtModuleUrl, parallelHelpers } from '../train/gradient-workers.js';
import { meanOfLastSteps, runTraining, trainingSummary, unrecordedAtDefault, type TrainingRunHooks } from '../train/run.js';
import { legacyVocabFnv, vocabSha } from '../train/state-files.js';
import { BertPretrainingData, specialIdsOf, wordPieceContinuations, type MaskReplacement, type PretrainingBatch } from './bert-data.js';
import { bertPretrainingLoss } from './bert-loss.js';
import { evaluateHeldOutMlm, heldOutBertBatches, unigramBaseline } from './bert-eval.js';
import { readCorpus } from './corpus.js';
import { subsamplingMaskWeights } from './mask-weights.js';
import { extendBertWeights, tokensAddedTo } from './vocab-extension.js';

export interface BertPretrainSettings extends OptimizerSettings {
  corpus: string;
  vocab: string;
  layers: number;
  hidden: number;
  heads: number;
  intermediate: number;
  maxLength: number;
  /** Share of tokens chosen for the MLM loss. */
  maskProb: number;
  maskReplacement: MaskReplacement;
  /**
   * Draw the masked positions with word2vec's subsampling weight min(1, √(t / f)) at this t (see
   * mask-weights.ts), so frequent tokens are masked less often; 0 draws them uniformly, as BERT.
   */
  maskSubsample: number;
  /** Choose a word's WordPieces together for the masked LM (whole-word masking; see bert-data.ts). */
  wholeWordMask: boolean;
  nspWeight: number;
  /**
   * Weight of the auxiliary next-token loss (see bertPretrainingLoss); 0 is BERT's objective. The
   * positions labelled are drawn at the masking rate among visible tokens.
   */
  neighborWeight: number;
  /**
   * Weight of a penalty on the share of the encoder layers' energy in their mean direction (see
   * isotropy.ts); 0 is BERT's objective.
   */
  isotropyWeight: number;
  /**
   * Continue pretraining an existing BertForPreTraining folder (as domain-adaptive pretraining does)
   * instead of starting from random weights: the architecture is the checkpoint's, and `vocab` must be
   * the vocabulary it was trained with.
   */
  initFrom?: string;
  /** How position embeddings start: BERT's normal(0, 0.02), or sinusoids of the same spread (see sinusoidalPositions). */
  positionInit: PositionInit;
  /** BERT's normal draw, or mimetic attention (see mimeticAttention). */
  attentionInit: AttentionInit;
  /**
   * A corpus folder the run does not train on: held-out masked-LM loss and accuracy every
   * `evalEvery` steps go to `eval.csv` (see bert-eval.ts). Not part of the recorded settings: it
   * changes no weight, so a run may be resumed with or without it.
   */
  evalCorpus?: string;
  evalEvery?: number;
  /**
   * Worker threads that compute some of each update's micro-batches (`accumulation` must be at
   * least workers + 1); see gradient-workers.ts. Not part of the recorded settings: the weights
   * are the same with any number.
   */
  workers?: number;
}

export const BERT_PRETRAIN_DEFAULTS: Omit<BertPretrainSettings, 'corpus' | 'vocab'> = {
  layers: 4,
  hidden: 256,
  heads: 4,
  intermediate: 1024,
  maxLength: 128,
  batchSize: 32,
  accumulation: 1,
  steps: 1000,
  lr: 1e-3,
  warmup: 100,
  weightDecay: 0.01,
  maxGradNorm: 1,
  seed: 0,
  maskProb: 0.15,
  maskReplacement: 'bert',
  maskSubsample: 0,
  wholeWordMask: false,
  nspWeight: 1,
  neighborWeight: 0,
  isotropyWeight: 0,
  positionInit: 'normal',
  attentionInit: 'normal',
};

/** Settings that runs saved by earlier versions do not record (see `loadTrainingState`'s legacy values). */
const SETTINGS_ADDED_LATER = ['neighborWeight', 'isotropyWeight', 'positionInit', 'attentionInit', 'maskSubsample', 'wholeWordMask'] as const;

export type PositionInit = 'normal' | 'sinusoidal';
export type AttentionInit = 'normal' | 'mimetic';

export type PretrainHooks = TrainingRunHooks;

export function tokenizeCorpus(corpusDir: string, tokenizer: BertTokenizer): number[][][] {
  const documents: number[][][] = [];
  for (const file of readCorpus(corpusDir)) {
    for (const doc of file.documents) {
      documents.push(doc.map((line) => tokenizer.encode(line, { addSpecialTokens: false }).ids));
    }
  }
  return documents;
}

export async function pretrainBert(outDir: string, requested: BertPretrainSettings, options: TrainingRunHooks = {}) {
  const log = options.onLog ?? (() => {});
  const vocabText = readFileSync(requested.vocab, 'utf8');
  const tokenizer = BertTokenizer.fromVocab(vocabText);
  const vocab = vocabLines(vocabText);
  const start = requested.initFrom ? startingCheckpoint(requested, vocab, tokenizer.vocabSize, log) : undefined;
  // With --init-from the architecture is the checkpoint's, and the recorded settings say so.
  const settings = start ? { ...requested, ...start.architecture } : requested;
  const config: BertConfig = start?.config ?? {
    ...BERT_DEFAULTS,
    vocabSize: tokenizer.vocabSize,
    hiddenSize: settings.hidden,
    numHiddenLayers: settings.layers,
    numAttentionHeads: settings.heads,
    intermediateSize: settings.intermediate,
    maxPositionEmbeddings: settings.maxLength,
    padTokenId: tokenizer.padTokenId,
  };
  if (settings.hidden % settings.heads !== 0) throw new Error(`--hidden ${settings.hidden} is not divisible by --heads ${settings.heads}`);

  const started = performance.now();
  const documents = tokenizeCorpus(settings.corpus, tokenizer);
  const tokens = documents.reduce((n, d) => n + d.reduce((m, s) => m + s.length, 0), 0);
  log(`corpus: ${documents.length} documents, ${tokens} WordPieces (tokenised in ${((performance.now() - started) / 1000).toFixed(1)}s)`);
  const special = specialIdsOf(tokenizer);
  const data = new BertPretrainingData(documents, special, {
    maxLength: settings.maxLength,
    maskedLmProb: settings.maskProb,
    maskReplacement: settings.maskReplacement,
    neighborProb: settings.neighborWeight > 0 ? settings.maskProb : 0,
    maskWeights: settings.maskSubsample > 0 ? subsamplingMaskWeights(documents, tokenizer.vocabSize, settings.maskSubsample) : undefined,
    wordContinuation: settings.wholeWordMask ? wordPieceContinuations(vocab) : undefined,
  });

  const weights = start?.weights ?? initialWeights(config, settings);
  const params = Object.fromEntries(Object.entries(weights).map(([name, t]) => [name, tf.variable(t, true)]));
  tf.dispose(Object.values(weights));
  const lossWeights = { nsp: settings.nspWeight, neighbor: settings.neighborWeight, isotropy: settings.isotropyWeight };
  const helpers = parallelHelpers(settings, { module: builtModuleUrl('pretrain/bert-loss.js'), exportName: 'pretrainingLossInWorker', setup: { config, lossWeights } });
  const trainer = new Trainer<PretrainingBatch>({
    params,
    lossFn: (batch) => bertPretrainingLoss(params, config, batch, lossWeights),
    helpers,
    nextBatch: (rng) => {
      const batch = data.batch(rng, settings.batchSize);
      return { batch, tokens: batch.tokens };
    },
    ...optimizerOptions(settings),
  });
  const { evalCorpus, evalEvery, workers, ...trainingSettings } = settings;
  const recorded = { ...trainingSettings, corpus: undefined, vocab: undefined, vocabSha: vocabSha(vocabText) };
  // initFrom is recorded as given (a path): resuming checks that the run continues the same start.
  let evaluate: TrainingRunHooks['evaluate'];
  let heldOutSummary: Record<string, number | string> | undefined;
  if (evalCorpus) {
    const heldOut = heldOutBertBatches(tokenizeCorpus(evalCorpus, tokenizer), special, settings.maxLength);
    const unigram = unigramBaseline(documents, tokenizer.vocabSize, heldOut);
    log(`held-out: ${heldOut.reduce((n, b) => n + b.maskedLabels.length, 0)} masked tokens from ${evalCorpus}; unigram baseline ${unigram.toFixed(3)} nats`);
    evaluate = {
      every: evalEvery ?? 200,
      run: () => {
        const m = evaluateHeldOutMlm(params, config, heldOut);
        heldOutSummary = { corpus: evalCorpus, maskedTokens: m.maskedTokens, unigramLoss: unigram, mlmLoss: m.mlmLoss, mlmAccuracy: m.mlmAccuracy, nspAccuracy: m.nspAccuracy };
        return { mlm_loss: m.mlmLoss, mlm_accuracy: m.mlmAccuracy, nsp_accuracy: m.nspAccuracy };
      },
    };
  }
  const saveModel = () => saveBertCheckpoint(outDir, { config, weights: params, vocab });
  const hooks = { ...options, evaluate, legacySettings: { vocabSha: legacyVocabFnv(vocabText), ...unrecordedAtDefault(settings, BERT_PRETRAIN_DEFAULTS, SETTINGS_ADDED_LATER) } };
  if (!(await runTraining(trainer, outDir, recorded, saveModel, hooks))) return { stopped: true, trainer, config };

  const mean = (pick: (r: StepRecord) => number) => meanOfLastSteps(trainer.state.history, pick);
  const summary = trainingSummary('BertForPreTraining', settings, trainer, {
    total: mean((r) => r.loss),
    mlm: mean((r) => r.parts.mlm),
    nsp: mean((r) => r.parts.nsp),
    ...(settings.isotropyWeight > 0 ? { isotropy: mean((r) => r.parts.isotropy) } : {}),
  });
  const withHeldOut = { ...summary, heldOut: heldOutSummary };
  writeFileAtomic(join(outDir, 'training.json'), JSON.stringify(withHeldOut, null, 2) + '\n');
  return { stopped: false, trainer, config, summary: withHeldOut };
}

/** BERT's random start, with the position and attention initialisations the settings ask for. */
function initialWeights(config: BertConfig, settings: BertPretrainSettings): BertWeights {
  const weights = initBertWeights(config, { pooler: true, mlm: true, nsp: true }, settings.seed);
  if (settings.positionInit === 'sinusoidal') {
    weights['embeddings.position_embeddings.weight'].dispose();
    weights['embeddings.position_embeddings.weight'] = sinusoidalPositions(config.maxPositionEmbeddings, config.hiddenSize, config.initializerRange);
  }
  if (settings.attentionInit === 'mimetic') mimeticAttention(weights, config, settings.seed);
  return weights;
}

/**
 * The checkpoint `--init-from` names, checked against the run's sequence length and vocabulary: its
 * own, or an extension of it (its tokens first), whose new tokens it gets rows for (vocab-extension.ts).
 */
function startingCheckpoint(settings: BertPretrainSettings, vocab: string[], vocabSize: number, log: (message: string) => void) {
  const from = settings.initFrom!;
  if (settings.positionInit !== 'normal' || settings.attentionInit !== 'normal') {
    throw new Error(`--init-from ${from} starts from trained weights; --position-init and --attention-init only shape a random start`);
  }
  const checkpoint = loadBertCheckpoint(from);
  const c = checkpoint.config;
  const missing = Object.keys(bertWeightShapes(c, { pooler: true, mlm: true, nsp: true })).filter((name) => !checkpoint.weights[name]);
  if (missing.length > 0) {
    throw new Error(`--init-from ${from}: not a BertForPreTraining checkpoint (no ${missing.join(', ')}); pretraining continues the masked-LM and next-sentence heads`);
  }
  if (settings.maxLength > c.maxPositionEmbeddings) throw new Error(`--max-length ${settings.maxLength} is more than the ${c.maxPositionEmbeddings} positions of --init-from ${from}`);
  log(`starting from ${checkpoint.dir}: ${c.numHiddenLayers} layers, hidden ${c.hiddenSize}, ${c.numAttentionHeads} heads, feed-forward ${c.intermediateSize}`);
  const ownVocab = join(checkpoint.dir, 'vocab.txt');
  if (!existsSync(ownVocab)) {
    if (vocabSize !== c.vocabSize) throw new Error(`--vocab ${settings.vocab} has ${vocabSize} tokens, --init-from ${from} (no vocab.txt) ${c.vocabSize}`);
    return { config: c, weights: checkpoint.weights, architecture: architectureOf(c) };
  }
  let added: string[];
  try {
    added = tokensAddedTo(vocabLines(readFileSync(ownVocab, 'utf8')), vocab);
  } catch (e) {
    throw new Error(`--vocab ${settings.vocab} is not the vocabulary of --init-from ${from} nor an extension of it (${(e as Error).message}); pass the checkpoint's own vocab.txt or one that wb vocab --extend made from it`);
  }
  if (added.length === 0) return { config: c, weights: checkpoint.weights, architecture: architectureOf(c) };
  const extended = extendBertWeights(checkpoint.weights, c, loadBertTokenizer(checkpoint.dir), added);
  log(`vocabulary extended by ${added.length} tokens to ${extended.config.vocabSize}: each new row starts as the mean of its old pieces'`);
  return { ...extended, architecture: architectureOf(c) };
}

function architectureOf(c: BertConfig) {
  return { layers: c.numHiddenLayers, hidden: c.hiddenSize, heads: c.numAttentionHeads, intermediate: c.intermediateSize };
}

