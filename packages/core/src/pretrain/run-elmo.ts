/**
 * `wb pretrain elmo` (Node): bilm-tf's objective (forward and backward LMs sharing a char-CNN token
 * encoder and one sampled softmax) on a corpus folder; writes AllenNLP `options.json` + `weights.hdf5`,
 * the softmax vocabulary (`vocab.txt`, most frequent first), the loss curve and `training.json`.
 *
 * Sentences are sampled uniformly from the corpus with a seeded `Rng` (windows of at most `maxWords`
 * words for long ones), so a run killed and resumed with `resume` continues exactly.
 */
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { saveElmo } from '../checkpoint/allennlp-elmo.js';
import { writeFileAtomic } from '../atomic-file.js';
import { parseElmoOptions, type ElmoOptions } from '../models/elmo/options.js';
import { elmoNames, elmoVariables, initElmoWeights } from '../models/elmo/weights.js';
import { Trainer, type StepRecord } from '../train/trainer.js';
import { meanOfLastSteps, runTraining, trainingSummary, type TrainingRunHooks } from '../train/run.js';
import { ELMO_BOUNDARY_IDS, buildElmoVocabulary, readElmoSentences, sampleElmoBatch, type ElmoTrainingBatch } from './elmo-data.js';
import { elmoUnigramBaseline, evaluateHeldOutElmo, heldOutElmoBatches } from './elmo-eval.js';
import { elmoLmLoss, type ElmoLmBatch } from './elmo-loss.js';

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
  steps: 1000,
  lr: 2e-3,
  warmup: 100,
  negatives: 1024,
  maxGradNorm: 1,
  seed: 0,
};

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

export async function pretrainElmo(outDir: string, settings: ElmoPretrainSettings, options: TrainingRunHooks = {}) {
  const log = options.onLog ?? (() => {});
  const options_ = elmoOptionsFor(settings);
  const started = performance.now();
  const sentences = readElmoSentences(settings.corpus);
  const vocabulary = buildElmoVocabulary(sentences, settings.vocabSize);
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
  const params = elmoVariables(weights);
  tf.dispose(Object.values(weights));
  const lossSettings = { ...ELMO_BOUNDARY_IDS, softmax: settings.negatives > 0 ? ('sampled' as const) : ('full' as const), numSampled: settings.negatives };
  const trainer = new Trainer<ElmoTrainingBatch>({
    params,
    lossFn: (batch) => ({ loss: elmoLmLoss(params, options_, batch, { ...lossSettings, seed: batch.negativesSeed }) }),
    nextBatch: (rng) => sampleElmoBatch(sentences, vocabulary, rng, settings),
    disposeBatch: (batch) => batch.charIds.dispose(),
    totalSteps: settings.steps,
    learningRate: settings.lr,
    warmupSteps: settings.warmup,
    maxGradNorm: settings.maxGradNorm,
    seed: settings.seed,
    // bilm-tf trains without weight decay.
    adamw: { weightDecay: 0 },
  });
  const { evalCorpus, evalEvery, ...trainingSettings } = settings;
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
  const finished = runTraining(trainer, outDir, recorded, { ...options, evaluate });
  tf.dispose(heldOut.map((b) => b.charIds));
  if (!finished) return { stopped: true, trainer };

  // The embedding model is what ships: AllenNLP's weights.hdf5 carries no softmax either.
  const model = Object.fromEntries(Object.entries(params).filter(([name]) => name !== elmoNames.softmaxWeight && name !== elmoNames.softmaxBias));
  await saveElmo({ options: options_, weights: model }, outDir, { safetensors: false });
  writeFileAtomic(join(outDir, 'vocab.txt'), vocab.join('\n') + '\n');
  const meanLoss = meanOfLastSteps(trainer.state.history, (r) => r.loss);
  const summary = {
    ...trainingSummary('ELMo biLM', settings, trainer, { sampledSoftmax: meanLoss, perplexityOfSampledLoss: Math.exp(meanLoss) }),
    heldOut: heldOutSummary,
  };
  writeFileAtomic(join(outDir, 'training.json'), JSON.stringify(summary, null, 2) + '\n');
  return { stopped: false, trainer, summary };
}

export type { StepRecord };
