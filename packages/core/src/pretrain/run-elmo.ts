/**
 * `wb pretrain elmo` (Node): bilm-tf's objective (forward and backward LMs sharing a char-CNN token
 * encoder and one sampled softmax) on a corpus folder; writes AllenNLP `options.json` + `weights.hdf5`,
 * the softmax vocabulary (`vocab.txt`, most frequent first), the loss curve and `training.json`.
 *
 * Sentences are sampled uniformly from the corpus with a seeded `Rng` (windows of at most `maxWords`
 * words for long ones), so a run killed and resumed with `resume` continues exactly.
 *
 * A run may also continue a trained biLM (`initFrom`, with `headWarmup` to refit its softmax first)
 * and learn from a BERT teacher's word vectors beside its own objective (`distillFrom`, elmo-distill.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { readElmoHdf5, resolveElmoFiles, saveElmo } from '../checkpoint/allennlp-elmo.js';
import { writeFileAtomic } from '../atomic-file.js';
import { parseElmoOptions, type ElmoOptions } from '../models/elmo/options.js';
import { elmoNames, elmoVariables, initElmoWeights } from '../models/elmo/weights.js';
import { wordLayers } from '../models/elmo/bilm.js';
import { Trainer, type LossOutput, type StepRecord } from '../train/trainer.js';
import { builtModuleUrl, parallelHelpers } from '../train/gradient-workers.js';
import { meanOfLastSteps, runTraining, trainingSummary, unrecordedAtDefault, type TrainingRunHooks } from '../train/run.js';
import { BertWordTeacher, initDistillationHead, perDirectionSimilarityLoss, sameWordDistillationLoss, similarityDistillationLoss, wordDistillationLoss, type WordTargets } from './elmo-distill.js';
import {
  ELMO_BOUNDARY_IDS,
  buildElmoVocabulary,
  elmoVocabularyOf,
  elmoWordIds,
  readElmoSentences,
  elmoTrainingBatch,
  sampleElmoBatch,
  type DrawnElmoBatch,
  type ElmoVocabulary,
} from './elmo-data.js';
import { elmoUnigramBaseline, evaluateHeldOutElmo, heldOutElmoBatches } from './elmo-eval.js';
import { elmoBatchBiLm, elmoLmLoss, type ElmoLmBatch } from './elmo-loss.js';

export interface ElmoPretrainSettings {
  corpus: string;
  vocabSize: number;
  layers: number;
  lstmDim: number;
  projectionDim: number;
  /** "width:count,..." */
  filters: string;
  highway: number;
  charDim: number;
  maxWords: number;
  batchSize: number;
  /** Batches whose gradients are averaged into one update. */
  accumulation: number;
  steps: number;
  lr: number;
  warmup: number;
  /** Sampled-softmax negatives per batch; 0 for the full softmax. */
  negatives: number;
  maxGradNorm: number;
  seed: number;
  /**
   * A corpus folder not trained on: its full-softmax perplexity every `evalEvery` steps goes to
   * `eval.csv` (see elmo-eval.ts). Not part of the recorded settings: it does not change the training.
   */
  evalCorpus?: string;
  evalEvery?: number;
  /**
   * Continue pretraining this AllenNLP folder (options.json, weights.hdf5, and the vocab.txt of its
   * softmax) instead of random weights: the architecture and vocabulary are the checkpoint's. Its
   * softmax is not in weights.hdf5 (AllenNLP ships none), so that one starts afresh.
   */
  initFrom?: string;
  /** A BERT folder whose word vectors are an auxiliary target for the top layer (see elmo-distill.ts). */
  distillFrom?: string;
  /** The teacher's layer (0: embeddings; default its last). */
  distillLayer?: number;
  /** Weight of the distillation loss (0: bilm-tf's objective alone). */
  distillWeight: number;
  /**
   * 'cosine': each word's vector through a linear head against the teacher's (wordDistillationLoss);
   * 'similarity': the cosines between the batch's words against the teacher's (similarityDistillationLoss);
   * 'similarity-per-direction': the same for the forward and the backward half apart (perDirectionSimilarityLoss);
   * 'same-word': the same, between the uses of one word only, each word counting once (sameWordDistillationLoss).
   */
  distillLoss: DistillLoss;
  /**
   * Updates at the start in which only the softmax and the distillation head train. With
   * `initFrom` their random start would otherwise bend the trained biLM towards whatever a random
   * softmax rewards (measured: after 100 such steps every use of a word sat at cosine 0.96 to every
   * other); fitting the heads first is LP-FT (Kumar et al. 2022).
   */
  headWarmup: number;
  /** Gradient worker threads (see BertPretrainSettings.workers); not recorded: the weights are the same with any number. */
  workers?: number;
}

export const ELMO_PRETRAIN_DEFAULTS: Omit<ElmoPretrainSettings, 'corpus'> = {
  vocabSize: 20000,
  layers: 2,
  lstmDim: 512,
  projectionDim: 128,
  filters: '1:32,2:32,3:64,4:128,5:128',
  highway: 1,
  charDim: 16,
  maxWords: 20,
  batchSize: 32,
  accumulation: 1,
  steps: 1000,
  lr: 2e-3,
  warmup: 100,
  negatives: 1024,
  maxGradNorm: 1,
  seed: 0,
  distillWeight: 0,
  distillLoss: 'cosine',
  headWarmup: 0,
};

/** Settings that runs saved by earlier versions do not record (see `loadTrainingState`'s legacy values). */
const SETTINGS_ADDED_LATER = ['distillWeight', 'distillLoss', 'headWarmup', 'accumulation'] as const;

export type DistillLoss = 'cosine' | 'similarity' | 'similarity-per-direction' | 'same-word';

/** The linear map from ELMo's top layer to the teacher's width; trained with the rest, never saved. */
const DISTILL_HEAD = { weight: 'distill/W', bias: 'distill/b' } as const;

function elmoOptionsFor(settings: Omit<ElmoPretrainSettings, 'corpus'>): ElmoOptions {
  const filters = settings.filters.split(',').map((pair) => {
    const [width, count] = pair.split(':').map(Number);
    if (!Number.isInteger(width) || !Number.isInteger(count) || width <= 0 || count <= 0) {
      throw new Error(`--filters: "${pair}" is not width:count (e.g. 1:32,2:32,3:64)`);
    }
    return [width, count] as [number, number];
  });
  return parseElmoOptions(
    {
      lstm: {
        dim: settings.lstmDim,
        projection_dim: settings.projectionDim,
        n_layers: settings.layers,
        cell_clip: 3,
        proj_clip: 3,
        use_skip_connections: true,
      },
      char_cnn: {
        embedding: { dim: settings.charDim },
        filters,
        n_highway: settings.highway,
        n_characters: 262,
        max_characters_per_token: 50,
        activation: 'relu',
      },
      n_tokens_vocab: settings.vocabSize,
    },
    'pretrain settings',
  );
}

export async function pretrainElmo(outDir: string, requested: ElmoPretrainSettings, options: TrainingRunHooks = {}) {
  const log = options.onLog ?? (() => {});
  const start = requested.initFrom ? await startingCheckpoint(requested.initFrom, log) : undefined;
  // With --init-from the architecture is the checkpoint's, and the recorded settings say so.
  const settings = start ? { ...requested, ...start.architecture } : requested;
  if ((settings.distillWeight > 0) !== (settings.distillFrom !== undefined)) {
    throw new Error('--distill-from and --distill-weight go together: give both (a teacher and a weight above 0) or neither');
  }
  const options_ = start?.options ?? elmoOptionsFor(settings);
  const started = performance.now();
  const sentences = readElmoSentences(settings.corpus);
  const vocabulary = start ? elmoVocabularyOf(start.vocab, sentences) : buildElmoVocabulary(sentences, settings.vocabSize);
  const { words: vocab, ids, counts } = vocabulary;
  const wordCount = sentences.reduce((n, s) => n + s.length, 0);
  const covered = [...counts].reduce((n, [w, c]) => n + (ids.has(w) ? c : 0), 0);
  log(
    `corpus: ${sentences.length} sentences, ${wordCount} words, ${counts.size} distinct; softmax vocabulary ${vocab.length} covers ${(
      (100 * covered) /
      wordCount
    ).toFixed(1)}% (read in ${((performance.now() - started) / 1000).toFixed(1)}s)`,
  );

  const weights = initElmoWeights(options_, { seed: settings.seed, vocabSize: vocab.length });
  if (start) {
    for (const [name, tensor] of Object.entries(start.weights)) {
      weights[name].dispose();
      weights[name] = tensor;
    }
    // The fresh softmax starts as the unigram model (its bias at the log frequencies), so the biLM's
    // first gradients come from what the context adds, not from learning how frequent each word is.
    weights[elmoNames.softmaxBias].dispose();
    weights[elmoNames.softmaxBias] = unigramLogits(vocabulary, sentences.filter((s) => s.length > 0).length);
  }
  const teacher = settings.distillFrom ? BertWordTeacher.load(settings.distillFrom, settings.distillLayer) : undefined;
  if (teacher) {
    const width = 2 * options_.lstm.projection_dim;
    log(`distilling layer ${teacher.layer} of ${teacher.dir} (hidden ${teacher.hiddenSize}) into the top layer (${width} wide) by ${settings.distillLoss}, weight ${settings.distillWeight}`);
    if (settings.distillLoss === 'cosine') {
      const head = initDistillationHead(width, teacher.hiddenSize, settings.seed);
      weights[DISTILL_HEAD.weight] = head.weight;
      weights[DISTILL_HEAD.bias] = head.bias;
    }
  }
  const params = elmoVariables(weights);
  tf.dispose(Object.values(weights));
  const distill = teacher && { teacher, loss: settings.distillLoss, weight: settings.distillWeight };
  const lossFn = elmoTrainingLoss(options_, settings.negatives, distill);
  const helpers = parallelHelpers(settings, {
    module: builtModuleUrl('pretrain/run-elmo.js'),
    exportName: 'elmoTrainingLossInWorker',
    setup: { options: options_, negatives: settings.negatives, distill: distill && { from: teacher.dir, layer: teacher.layer, loss: distill.loss, weight: distill.weight } },
  });
  const heads = new Set<string>([elmoNames.softmaxWeight, elmoNames.softmaxBias, DISTILL_HEAD.weight, DISTILL_HEAD.bias]);
  const trainer = new Trainer<DrawnElmoBatch>({
    params,
    trainable: (name, step) => step >= settings.headWarmup || heads.has(name),
    lossFn: (batch) => lossFn(params, batch),
    nextBatch: (rng) => sampleElmoBatch(sentences, vocabulary, rng, settings),
    accumulation: settings.accumulation,
    helpers,
    totalSteps: settings.steps,
    learningRate: settings.lr,
    warmupSteps: settings.warmup,
    maxGradNorm: settings.maxGradNorm,
    seed: settings.seed,
    // bilm-tf trains without weight decay.
    adamw: { weightDecay: 0 },
  });
  const { evalCorpus, evalEvery, workers, ...trainingSettings } = settings;
  const recorded = { ...trainingSettings, corpus: undefined };
  let evaluate: TrainingRunHooks['evaluate'];
  let heldOutSummary: Record<string, number | string> | undefined;
  let heldOut: ElmoLmBatch[] = [];
  if (evalCorpus) {
    heldOut = heldOutElmoBatches(readElmoSentences(evalCorpus), vocabulary, { batchSize: 32, maxWords: settings.maxWords });
    const unigram = elmoUnigramBaseline(sentences, vocabulary, heldOut);
    log(`held-out: ${heldOut.reduce((n, b) => n + b.wordIds.length, 0)} sentences from ${evalCorpus}; unigram baseline perplexity ${Math.exp(unigram).toFixed(1)}`);
    evaluate = {
      every: evalEvery ?? 200,
      run: () => {
        const m = evaluateHeldOutElmo(params, options_, heldOut);
        heldOutSummary = { corpus: evalCorpus, targets: m.targets, unigramPerplexity: Math.exp(unigram), loss: m.loss, perplexity: m.perplexity };
        return { loss: m.loss, perplexity: m.perplexity };
      },
    };
  }
  // The embedding model is what ships: AllenNLP's weights.hdf5 carries no softmax either.
  const model = Object.fromEntries(Object.entries(params).filter(([name]) => !heads.has(name)));
  const saveModel = async () => {
    await saveElmo({ options: options_, weights: model }, outDir, { safetensors: false });
    writeFileAtomic(join(outDir, 'vocab.txt'), vocab.join('\n') + '\n');
  };
  const finished = await runTraining(trainer, outDir, recorded, saveModel, { ...options, evaluate, legacySettings: unrecordedAtDefault(settings, ELMO_PRETRAIN_DEFAULTS, SETTINGS_ADDED_LATER) });
  tf.dispose(heldOut.map((b) => b.charIds));
  teacher?.dispose();
  if (!finished) return { stopped: true, trainer };

  const meanLoss = meanOfLastSteps(trainer.state.history, (r) => r.loss);
  // With a teacher the logged loss adds the distillation term; the language model's own part is `lm`.
  const lmLoss = teacher ? meanOfLastSteps(trainer.state.history, (r) => r.parts.lm) : meanLoss;
  const finalLosses: Record<string, number> = { sampledSoftmax: lmLoss, perplexityOfSampledLoss: Math.exp(lmLoss) };
  if (teacher) finalLosses.distill = meanOfLastSteps(trainer.state.history, (r) => r.parts.distill);
  const summary = {
    ...trainingSummary('ELMo biLM', settings, trainer, finalLosses),
    heldOut: heldOutSummary,
  };
  writeFileAtomic(join(outDir, 'training.json'), JSON.stringify(summary, null, 2) + '\n');
  return { stopped: false, trainer, summary };
}

/**
 * Add-one-smoothed log frequencies of the softmax's targets: each word's count (<UNK> takes the words
 * outside the vocabulary), and one <S> and one </S> per non-empty sentence.
 */
function unigramLogits(vocabulary: ElmoVocabulary, sentenceCount: number): tf.Tensor1D {
  const counts = new Float64Array(vocabulary.words.length).fill(1);
  counts[ELMO_BOUNDARY_IDS.bosId] += sentenceCount;
  counts[ELMO_BOUNDARY_IDS.eosId] += sentenceCount;
  for (const [word, count] of vocabulary.counts) counts[elmoWordIds([word], vocabulary)[0]] += count;
  const total = counts.reduce((a, b) => a + b, 0);
  return tf.tensor1d(Array.from(counts, (c) => Math.log(c / total)));
}

interface ElmoDistillation {
  teacher: BertWordTeacher;
  loss: DistillLoss;
  weight: number;
}

/**
 * The training loss on a drawn batch: bilm-tf's sampled (or full) softmax for both directions, plus,
 * with a teacher, the distillation term on the top layer. The batch's tensors and the teacher's
 * targets are made here, so that a gradient worker computes the same loss from the batch alone.
 */
function elmoTrainingLoss(options: ElmoOptions, negatives: number, distill?: ElmoDistillation) {
  const lossSettings = { ...ELMO_BOUNDARY_IDS, softmax: negatives > 0 ? ('sampled' as const) : ('full' as const), numSampled: negatives };
  return (params: Record<string, tf.Variable>, drawn: DrawnElmoBatch): LossOutput =>
    tf.tidy(() => {
      const batch = elmoTrainingBatch(drawn);
      const { bilm, wordMask } = elmoBatchBiLm(params, options, batch);
      const lm = elmoLmLoss(params, options, batch, { ...lossSettings, seed: batch.negativesSeed }, bilm);
      if (!distill) return { loss: lm };
      const targets = distill.teacher.wordVectors(drawn.words, batch.charIds.shape[1]);
      const top = wordLayers(bilm, wordMask).at(-1)!;
      const distillLoss = teacherLoss(distill.loss, top, targets, drawn.words, params);
      return { loss: tf.add(lm, tf.mul(distillLoss, distill.weight)) as tf.Scalar, parts: { lm, distill: distillLoss } };
    });
}

/** The `--distill-loss` named `kind` between the biLM's top layer and the teacher's word vectors. */
function teacherLoss(kind: DistillLoss, top: tf.Tensor3D, targets: WordTargets, words: string[][], params: Record<string, tf.Variable>): tf.Scalar {
  switch (kind) {
    case 'cosine':
      return wordDistillationLoss(top, { weight: params[DISTILL_HEAD.weight] as tf.Tensor2D, bias: params[DISTILL_HEAD.bias] as tf.Tensor1D }, targets);
    case 'similarity':
      return similarityDistillationLoss(top, targets);
    case 'similarity-per-direction':
      return perDirectionSimilarityLoss(top, targets);
    case 'same-word':
      return sameWordDistillationLoss(top, targets, words);
  }
}

/** The same loss in a gradient worker, which loads the teacher (if any) from its folder. */
export function elmoTrainingLossInWorker(setup: {
  options: ElmoOptions;
  negatives: number;
  distill?: { from: string; layer: number; loss: DistillLoss; weight: number };
}) {
  const { distill } = setup;
  return elmoTrainingLoss(setup.options, setup.negatives, distill && { teacher: BertWordTeacher.load(distill.from, distill.layer), loss: distill.loss, weight: distill.weight });
}

/** The AllenNLP folder `--init-from` names: its options, weights (no softmax) and softmax vocabulary. */
async function startingCheckpoint(from: string, log: (message: string) => void) {
  const files = resolveElmoFiles(from);
  const options = parseElmoOptions(JSON.parse(readFileSync(files.optionsPath, 'utf8')), files.optionsPath);
  const vocabPath = join(dirname(files.optionsPath), 'vocab.txt');
  if (!existsSync(vocabPath)) {
    throw new Error(`--init-from ${from}: no vocab.txt beside options.json; continuing the language model needs the vocabulary of its softmax (wb pretrain elmo writes one)`);
  }
  const vocab = readFileSync(vocabPath, 'utf8').split('\n').filter((w) => w !== '');
  const weights = await readElmoHdf5(files.weightsPath, options, files.optionsPath);
  const { lstm, char_cnn: cnn } = options;
  log(`starting from ${dirname(files.optionsPath)}: ${lstm.n_layers} LSTM layers, cell ${lstm.dim}, projection ${lstm.projection_dim}; softmax over its ${vocab.length} words starts afresh`);
  return {
    options,
    weights,
    vocab,
    architecture: {
      vocabSize: vocab.length,
      layers: lstm.n_layers,
      lstmDim: lstm.dim,
      projectionDim: lstm.projection_dim,
      filters: cnn.filters.map(([width, count]) => `${width}:${count}`).join(','),
      highway: cnn.n_highway,
      charDim: cnn.embedding.dim,
    },
  };
}

export type { StepRecord };
