/**
 * `wb distill` (Node): a DistilBERT student from a BERT teacher, following Sanh et al. 2019
 * (DistilBERT). The student has half the teacher's layers, initialised from every other teacher
 * layer (0, 2, 4, …), its embeddings and masked-LM head copied, no token types and no pooler. It
 * learns on masked text from three losses: the teacher's soft targets (cross-entropy between the
 * softened distributions at temperature T, times T²) at the masked positions, the masked-LM loss
 * itself, and the cosine between the student's and the teacher's last hidden states. The folder it
 * writes is a Hugging Face DistilBertForMaskedLM (config.json, model.safetensors, vocab.txt,
 * tokenizer_config.json), which `loadModel` reads as any DistilBERT.
 *
 * Two additions to Sanh et al.: `initFrom` continues a student already distilled, and `alphaSim`
 * adds a fourth loss on the cosines between uses of the same token (same-token-pairs.ts), which is what
 * a word's sense gap compares and what the cosine to the teacher's vectors alone did not carry over
 * (`alphaSimBatch`: the same over every pair of a batch's tokens);
 * `isotropyWeight` adds the penalty on a shared direction that `wb pretrain bert` gave the teacher.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { writeFileAtomic } from '../atomic-file.js';
import { writeSafetensors } from '../checkpoint/safetensors.js';
import { loadBertCheckpoint, loadBertTokenizer, loadDistilBertCheckpoint } from '../load.js';
import { bertForward, mlmLogits, type BertConfig, type BertWeights } from '../models/bert.js';
import { distilbertAsBert, distilbertConfigToJson, distilbertTensorsToStore, type DistilBertConfig } from '../models/distilbert.js';
import { gatherRows } from '../ops/gather-rows.js';
import { builtModuleUrl, parallelHelpers } from '../train/gradient-workers.js';
import { meanOfLastSteps, runTraining, trainingSummary, unrecordedAtDefault, type TrainingRunHooks } from '../train/run.js';
import { optimizerOptions, Trainer, type LossOutput, type OptimizerSettings } from '../train/trainer.js';
import { BertPretrainingData, specialIdsOf, type MaskReplacement, type PretrainingBatch } from './bert-data.js';
import { crossEntropy } from '../ops/cross-entropy.js';
import { meanDirectionShare } from './isotropy.js';
import { batchTokenPositions, pairwiseSimilarityLoss, sameTokenPairs, sameTokenSimilarityLoss } from './same-token-pairs.js';
import { tokenizeCorpus } from './run-bert.js';
import { vocabLines } from '../tokenize/bert-tokenizer.js';

export interface DistillSettings extends OptimizerSettings {
  teacher: string;
  corpus: string;
  /** Student layers (default: half the teacher's, rounded up; or as many as `teacherLayers`). */
  layers?: number;
  /** The teacher layer that starts each student layer (default: every other one from 0, as Sanh et al.). */
  teacherLayers?: number[];
  maxLength: number;
  maskProb: number;
  maskReplacement: MaskReplacement;
  temperature: number;
  alphaCe: number;
  alphaMlm: number;
  alphaCos: number;
  /**
   * Weight of the same-token similarity loss: the squared difference between the student's and the
   * teacher's cosine for each pair of uses of one token in a batch (0: off, as Sanh et al.).
   */
  alphaSim: number;
  /**
   * Weight of the whole-batch similarity loss: (cos_student − cos_teacher)² over every pair of up to
   * SIMILARITY_BATCH_TOKENS of a batch's tokens (0: off).
   */
  alphaSimBatch: number;
  /**
   * Weight of the penalty on the share of the student's layers' energy that lies along their mean
   * (isotropy.ts; `wb pretrain bert --isotropy-weight`); 0: off, as Sanh et al.
   */
  isotropyWeight: number;
  /** A DistilBertForMaskedLM folder (of this teacher's vocabulary and widths) to continue, instead of the teacher's layers. */
  initFrom?: string;
  /** Gradient worker threads (see BertPretrainSettings.workers); not recorded: the weights are the same with any number. */
  workers?: number;
}

/** Sanh et al.'s training script's weights and temperature. */
export const DISTILL_DEFAULTS: Omit<DistillSettings, 'teacher' | 'corpus'> = {
  maxLength: 128,
  batchSize: 16,
  accumulation: 1,
  steps: 1000,
  lr: 5e-4,
  warmup: 100,
  weightDecay: 0.01,
  maxGradNorm: 5,
  seed: 0,
  maskProb: 0.15,
  maskReplacement: 'bert',
  temperature: 2,
  alphaCe: 5,
  alphaMlm: 2,
  alphaCos: 1,
  alphaSim: 0,
  alphaSimBatch: 0,
  isotropyWeight: 0,
};

/** Settings that runs saved by earlier versions do not record (see `loadTrainingState`'s legacy values). */
const SETTINGS_ADDED_LATER = ['alphaSim', 'alphaSimBatch', 'isotropyWeight'] as const;

/** Tokens per batch that the whole-batch similarity compares (a million pairs). */
export const SIMILARITY_BATCH_TOKENS = 1024;

/** The token-type table BERT's embeddings need; a DistilBERT has one type whose embedding is zero. */
const ZERO_TYPES = 'embeddings.token_type_embeddings.weight';

/** The student's config: the teacher's widths, `layers` layers (half the teacher's by default). */
export function studentConfig(teacher: BertConfig, layers = Math.ceil(teacher.numHiddenLayers / 2)): DistilBertConfig {
  if (!Number.isInteger(layers) || layers < 1 || layers > teacher.numHiddenLayers) {
    throw new Error(`the student needs 1 to ${teacher.numHiddenLayers} layers (the teacher's), not ${layers}`);
  }
  return {
    vocabSize: teacher.vocabSize,
    dim: teacher.hiddenSize,
    nLayers: layers,
    nHeads: teacher.numAttentionHeads,
    hiddenDim: teacher.intermediateSize,
    activation: teacher.hiddenAct,
    maxPositionEmbeddings: teacher.maxPositionEmbeddings,
    padTokenId: teacher.padTokenId,
    initializerRange: teacher.initializerRange,
    sinusoidalPosEmbds: false,
  };
}

/** Sanh et al.'s choice of teacher layers for the student's: every `stride`-th from 0 (every other one when the student is half as deep). */
export function everyOtherTeacherLayer(teacherLayers: number, studentLayers: number): number[] {
  const stride = Math.floor(teacherLayers / studentLayers);
  return Array.from({ length: studentLayers }, (_, i) => i * stride);
}

/**
 * The student's weights (BERT names, see distilbert.ts): embeddings and MLM head copied, student
 * layer i from teacher layer `fromLayers[i]` (by default every other one, from 0).
 */
export function initStudentFromTeacher(
  teacher: BertWeights,
  teacherConfig: BertConfig,
  student: DistilBertConfig,
  fromLayers = everyOtherTeacherLayer(teacherConfig.numHiddenLayers, student.nLayers),
): BertWeights {
  if (!teacher['cls.predictions.transform.dense.weight']) throw new Error('the teacher needs its masked-LM head (BertForMaskedLM or BertForPreTraining)');
  if (fromLayers.length !== student.nLayers || fromLayers.some((l) => !Number.isInteger(l) || l < 0 || l >= teacherConfig.numHiddenLayers)) {
    throw new Error(`teacher layers ${fromLayers.join(',')}: the student needs ${student.nLayers} of the teacher's layers 0–${teacherConfig.numHiddenLayers - 1}`);
  }
  const weights: BertWeights = {};
  for (const [name, t] of Object.entries(teacher)) {
    const layer = /^encoder\.layer\.(\d+)\.(.*)$/.exec(name);
    if (layer) {
      fromLayers.forEach((from, i) => {
        if (from === Number(layer[1])) weights[`encoder.layer.${i}.${layer[2]}`] = t.clone();
      });
    } else if (name.startsWith('embeddings.') && name !== ZERO_TYPES) {
      weights[name] = t.clone();
    } else if (/^cls\.predictions\.(transform\.|bias$|decoder\.weight$)/.test(name)) {
      weights[name] = t.clone();
    }
  }
  // The teacher adds its type-0 embedding to every token; the student has no types, so it is folded into the positions.
  weights['embeddings.position_embeddings.weight'].dispose();
  weights['embeddings.position_embeddings.weight'] = tf.tidy(() =>
    tf.add(teacher['embeddings.position_embeddings.weight'], tf.slice(teacher[ZERO_TYPES], [0, 0], [1, -1])),
  );
  weights[ZERO_TYPES] = tf.zeros([1, student.dim]);
  return weights;
}

type DistillLossSettings = Pick<DistillSettings, 'temperature' | 'alphaCe' | 'alphaMlm' | 'alphaCos' | 'alphaSim' | 'alphaSimBatch' | 'isotropyWeight'> & { specialTokens: number[] };

/** The teacher's masked-LM logits and last hidden states (flattened) on a batch. */
function teacherOutputs(teacher: { weights: BertWeights; config: BertConfig }, data: PretrainingBatch): { teacherLogits: tf.Tensor2D; teacherHidden: tf.Tensor2D } {
  return tf.tidy(() => {
    const shape: [number, number] = [data.batchSize, data.seqLength];
    const out = bertForward(teacher.weights, teacher.config, {
      inputIds: tf.tensor2d(data.inputIds, shape, 'int32'),
      tokenTypeIds: tf.tensor2d(data.tokenTypeIds, shape, 'int32'),
      attentionMask: tf.tensor2d(data.attentionMask, shape, 'float32'),
    });
    const teacherHidden = tf.reshape(out.lastHiddenState, [-1, teacher.config.hiddenSize]) as tf.Tensor2D;
    const teacherLogits = mlmLogits(teacher.weights, teacher.config, gatherRows(teacherHidden, tf.tensor1d(data.maskedIndices, 'int32'))) as tf.Tensor2D;
    return { teacherLogits, teacherHidden };
  });
}

/**
 * The three losses on a batch. The teacher runs here too: its weights are no variables, so no
 * gradient flows into it, and a gradient worker (train/gradient-workers.ts) can compute the whole
 * loss from the batch alone.
 */
function distillationLoss(
  student: BertWeights,
  config: BertConfig,
  teacher: { weights: BertWeights; config: BertConfig },
  data: PretrainingBatch,
  settings: DistillLossSettings,
): LossOutput {
  const { teacherLogits, teacherHidden } = teacherOutputs(teacher, data);
  const shape: [number, number] = [data.batchSize, data.seqLength];
  const inputIds = tf.tensor2d(data.inputIds, shape, 'int32');
  const attentionMask = tf.tensor2d(data.attentionMask, shape, 'float32');
  const outputs = bertForward(student, config, { inputIds, attentionMask });
  const special = new Set(settings.specialTokens);
  const hidden = tf.reshape(outputs.lastHiddenState, [-1, config.hiddenSize]) as tf.Tensor2D;
  const logits = mlmLogits(student, config, gatherRows(hidden, tf.tensor1d(data.maskedIndices, 'int32'))) as tf.Tensor2D;
  const t = settings.temperature;
  // Soft targets: −Σ p_teacher(T) · log p_student(T), averaged over masked tokens, times T² (Hinton et al. 2015).
  const soft = tf.tidy(() => {
    const target = tf.softmax(tf.div(teacherLogits, t));
    const logProbs = tf.logSoftmax(tf.div(logits, t));
    return tf.mul(tf.neg(tf.mean(tf.sum(tf.mul(target, logProbs), 1))), t * t) as tf.Scalar;
  });
  const mlm = crossEntropy(logits, data.maskedLabels);
  // 1 − cos(student, teacher) over the real (non-padding) tokens.
  const cos = tf.tidy(() => {
    const mask = tf.reshape(attentionMask, [-1]);
    const dot = tf.sum(tf.mul(hidden, teacherHidden), 1);
    const norms = tf.mul(tf.norm(hidden, 'euclidean', 1), tf.norm(teacherHidden, 'euclidean', 1));
    const cosine = tf.div(dot, tf.maximum(norms, 1e-8));
    return tf.div(tf.sum(tf.mul(tf.sub(1, cosine), mask)), tf.sum(mask)) as tf.Scalar;
  });
  const terms = [tf.mul(soft, settings.alphaCe), tf.mul(mlm, settings.alphaMlm), tf.mul(cos, settings.alphaCos)];
  const parts: Record<string, tf.Scalar> = { ce: soft, mlm, cos };
  if (settings.alphaSim > 0) {
    parts.sim = sameTokenSimilarityLoss(hidden, teacherHidden, sameTokenPairs(data.inputIds, data.attentionMask, special));
    terms.push(tf.mul(parts.sim, settings.alphaSim));
  }
  if (settings.alphaSimBatch > 0) {
    const positions = batchTokenPositions(data.inputIds, data.attentionMask, special, SIMILARITY_BATCH_TOKENS);
    parts.simBatch = pairwiseSimilarityLoss(hidden, teacherHidden, positions);
    terms.push(tf.mul(parts.simBatch, settings.alphaSimBatch));
  }
  if (settings.isotropyWeight > 0) {
    parts.isotropy = meanDirectionShare(outputs.hiddenStates.slice(1), attentionMask);
    terms.push(tf.mul(parts.isotropy, settings.isotropyWeight));
  }
  return { loss: tf.addN(terms) as tf.Scalar, parts };
}

/** The same loss in a gradient worker, which loads the teacher from its folder. */
export function distillationLossInWorker({ teacher: teacherDir, student, settings }: { teacher: string; student: BertConfig; settings: DistillLossSettings }) {
  const teacher = loadBertCheckpoint(teacherDir);
  return (params: BertWeights, data: PretrainingBatch) => distillationLoss(params, student, teacher, data, settings);
}

/** The student weights of `--init-from`: a DistilBertForMaskedLM folder of the student's shape and the teacher's vocabulary. */
function studentCheckpoint(source: string, config: DistilBertConfig, vocab: readonly string[]): BertWeights {
  const { config: saved, weights, dir } = loadDistilBertCheckpoint(source);
  const refuse = (why: string) => {
    tf.dispose(Object.values(weights));
    return new Error(`--init-from ${source}: ${why}`);
  };
  const differences = (['vocabSize', 'dim', 'nLayers', 'nHeads', 'hiddenDim', 'maxPositionEmbeddings'] as const).filter((key) => saved[key] !== config[key]);
  if (differences.length > 0) throw refuse(differences.map((key) => `${key} ${saved[key]}, the student needs ${config[key]}`).join('; '));
  if (!weights['cls.predictions.transform.dense.weight']) throw refuse('no masked-LM head (vocab_transform, vocab_layer_norm, vocab_projector); distillation continues a DistilBertForMaskedLM');
  const ownVocab = join(dir, 'vocab.txt');
  if (existsSync(ownVocab)) {
    const lines = vocabLines(readFileSync(ownVocab, 'utf8'));
    const differs = vocab.findIndex((token, i) => lines[i] !== token);
    if (differs >= 0) throw refuse(`vocab.txt line ${differs + 1} is ${JSON.stringify(lines[differs])}, the teacher's ${JSON.stringify(vocab[differs])}; the student needs its teacher's vocabulary`);
  }
  return weights;
}

export async function distill(outDir: string, settings: DistillSettings, options: TrainingRunHooks = {}) {
  const log = options.onLog ?? (() => {});
  const teacher = loadBertCheckpoint(settings.teacher);
  const tokenizer = loadBertTokenizer(teacher.dir);
  if (settings.teacherLayers && settings.layers !== undefined && settings.layers !== settings.teacherLayers.length) {
    throw new Error(`--layers ${settings.layers} and --teacher-layers ${settings.teacherLayers.join(',')} disagree: the student has one layer per teacher layer named`);
  }
  if (settings.teacherLayers && settings.initFrom) throw new Error('--teacher-layers starts a student from the teacher; --init-from continues one: give one of them');
  const config = studentConfig(teacher.config, settings.teacherLayers?.length ?? settings.layers);
  const student = distilbertAsBert(config);
  if (settings.maxLength > teacher.config.maxPositionEmbeddings) {
    throw new Error(`--max-length ${settings.maxLength} is more than the teacher's ${teacher.config.maxPositionEmbeddings} positions`);
  }
  const fromTeacherLayers = settings.teacherLayers ?? everyOtherTeacherLayer(teacher.config.numHiddenLayers, config.nLayers);
  const start = settings.initFrom ? `continuing ${settings.initFrom}` : `from teacher layers ${fromTeacherLayers.join(', ')}`;
  log(`teacher: ${teacher.config.numHiddenLayers} layers, hidden ${teacher.config.hiddenSize}; student: ${config.nLayers} layers (${start})`);

  const documents = tokenizeCorpus(settings.corpus, tokenizer);
  const data = new BertPretrainingData(documents, specialIdsOf(tokenizer), { maxLength: settings.maxLength, maskedLmProb: settings.maskProb, maskReplacement: settings.maskReplacement });

  const vocab = Array.from({ length: tokenizer.vocabSize }, (_, id) => tokenizer.idToToken(id));
  const initial = settings.initFrom ? studentCheckpoint(settings.initFrom, config, vocab) : initStudentFromTeacher(teacher.weights, teacher.config, config, fromTeacherLayers);
  const params = Object.fromEntries(Object.entries(initial).map(([name, t]) => [name, tf.variable(t, name !== ZERO_TYPES)]));
  tf.dispose(Object.values(initial));
  const lossSettings: DistillLossSettings = {
    temperature: settings.temperature,
    alphaCe: settings.alphaCe,
    alphaMlm: settings.alphaMlm,
    alphaCos: settings.alphaCos,
    alphaSim: settings.alphaSim,
    alphaSimBatch: settings.alphaSimBatch,
    isotropyWeight: settings.isotropyWeight,
    specialTokens: [tokenizer.clsTokenId, tokenizer.sepTokenId, tokenizer.maskTokenId, tokenizer.padTokenId, tokenizer.unkTokenId],
  };
  const helpers = parallelHelpers(settings, {
    module: builtModuleUrl('pretrain/distill.js'),
    exportName: 'distillationLossInWorker',
    setup: { teacher: teacher.dir, student, settings: lossSettings },
  });
  const trainer = new Trainer<PretrainingBatch>({
    params,
    trainable: (name) => name !== ZERO_TYPES,
    lossFn: (batch) => distillationLoss(params, student, teacher, batch, lossSettings),
    nextBatch: (rng) => {
      const batch = data.batch(rng, settings.batchSize);
      return { batch, tokens: batch.tokens };
    },
    helpers,
    ...optimizerOptions(settings),
  });
  const { workers, ...trainingSettings } = settings;
  const recorded = { ...trainingSettings, teacher: undefined, corpus: undefined, layers: config.nLayers };
  const saveModel = () => {
    writeFileAtomic(join(outDir, 'config.json'), JSON.stringify(distilbertConfigToJson(config), null, 2) + '\n');
    writeFileAtomic(join(outDir, 'model.safetensors'), writeSafetensors(distilbertTensorsToStore(params), { metadata: { format: 'pt' } }));
    writeFileAtomic(join(outDir, 'vocab.txt'), vocab.join('\n') + '\n');
    writeFileAtomic(
      join(outDir, 'tokenizer_config.json'),
      JSON.stringify({ tokenizer_class: 'DistilBertTokenizer', do_lower_case: tokenizer.doLowerCase, model_max_length: config.maxPositionEmbeddings }, null, 2) + '\n',
    );
  };
  const legacySettings = unrecordedAtDefault(settings, DISTILL_DEFAULTS, SETTINGS_ADDED_LATER);
  if (!(await runTraining(trainer, outDir, recorded, saveModel, { ...options, legacySettings }))) {
    tf.dispose(Object.values(teacher.weights));
    return { stopped: true, trainer, config };
  }

  // Every loss the run logged (the three of Sanh et al. and the optional ones it was given), over its last steps.
  const history = trainer.state.history;
  const partNames = Object.keys(history.at(-1)?.parts ?? {});
  const finalLoss = Object.fromEntries([
    ['total', meanOfLastSteps(history, (r) => r.loss)],
    ...partNames.map((name) => [name, meanOfLastSteps(history, (r) => r.parts[name])]),
  ]);
  const summary = {
    ...trainingSummary('DistilBertForMaskedLM', settings, trainer, finalLoss),
    student: settings.initFrom
      ? { layers: config.nLayers, initFrom: settings.initFrom }
      : { layers: config.nLayers, fromTeacherLayers },
  };
  writeFileAtomic(join(outDir, 'training.json'), JSON.stringify(summary, null, 2) + '\n');
  tf.dispose(Object.values(teacher.weights));
  return { stopped: false, trainer, config, summary };
}
