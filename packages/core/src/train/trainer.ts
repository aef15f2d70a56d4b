/**
 * The training loop shared by pretraining and fine-tuning: gradient accumulation, freezing, global-norm
 * clipping, AdamW with linear warmup/decay, a loss curve, and a state that resumes exactly.
 *
 * Determinism: every batch is drawn from one seeded `Rng` whose state is part of the checkpoint, and
 * tfjs-wasm computes in a fixed order, so a run killed and resumed from its last checkpoint produces
 * the same weights bit for bit as one that never stopped.
 */
import * as tf from '@tensorflow/tfjs-core';
import './gradients.js';
import { AdamW, type AdamWOptions } from './adamw.js';
import { clipToNorm, squaredGlobalNorm } from './clip.js';
import { Rng } from './rng.js';
import { linearWarmupDecay } from './schedule.js';
import { startWork, type WorkProgress } from '../work-progress.js';

export interface TrainBatch<B> {
  batch: B;
  /** Tokens in the batch (for tokens/s). */
  tokens: number;
}

export interface LossOutput {
  loss: tf.Scalar;
  /** Named parts of the loss to log (e.g. mlm, nsp). */
  parts?: Record<string, tf.Scalar>;
}

export interface StepRecord {
  step: number;
  loss: number;
  parts: Record<string, number>;
  learningRate: number;
  gradNorm: number;
  tokens: number;
  /** Seconds of training so far, over all resumed segments. */
  elapsed: number;
}

export interface TrainingState {
  /** Updates done. */
  step: number;
  dataRngState: number;
  tokensSeen: number;
  elapsed: number;
  history: StepRecord[];
  /** Resumes that changed the run's length (`--steps`): from `atStep` on, the schedule decays to `to`. */
  stepsChanges?: StepsChange[];
  /** Resumes that split an update's examples otherwise (`--batch-size` × `--accumulation` unchanged). */
  batchSplitChanges?: BatchSplitChange[];
}

export interface BatchSplitChange {
  atStep: number;
  from: { batchSize: number; accumulation: number };
  to: { batchSize: number; accumulation: number };
}

export interface StepsChange {
  atStep: number;
  from: number;
  to: number;
}

export interface TrainerOptions<B> {
  params: Record<string, tf.Variable>;
  /**
   * Frozen parameters get no gradient and are never changed; default: all trainable. `step` (updates
   * done so far) lets a parameter start training later, e.g. a pretrained body once its new head fits.
   */
  trainable?: (name: string, step: number) => boolean;
  lossFn: (batch: B) => LossOutput;
  /** Draws the next batch; all randomness must come from `rng`. */
  nextBatch: (rng: Rng) => TrainBatch<B>;
  disposeBatch?: (batch: B) => void;
  totalSteps: number;
  learningRate: number;
  warmupSteps?: number;
  /** Batches whose gradients are averaged into one update. */
  accumulation?: number;
  maxGradNorm?: number;
  seed: number;
  adamw?: AdamWOptions;
  /**
   * Helpers that compute some of an update's micro-batches at the same time as this thread (data
   * parallelism; see gradient-workers.ts). The update is the same as without them: the gradients
   * are summed in batch order either way. Needs `stepAsync`.
   */
  helpers?: GradientHelpers<B>;
}

/** One micro-batch's loss, named loss parts and gradients (by parameter name), as plain numbers. */
export interface MicroBatchGradients {
  loss: number;
  parts: Record<string, number>;
  grads: Record<string, { shape: number[]; data: Float32Array }>;
}

/**
 * Computes micro-batches' losses and gradients away from the trainer's thread. Micro-batch i of an
 * update goes to helper (i mod (count + 1)) − 1; the trainer's own thread takes those where that is −1.
 */
export interface GradientHelpers<B> {
  readonly count: number;
  /**
   * The results for `batchesPerHelper[h]` (one list per helper), computed with the current values of
   * `params`, differentiating the `trainable` ones.
   */
  compute(batchesPerHelper: B[][], params: Record<string, tf.Variable>, trainable: string[]): Promise<MicroBatchGradients[][]>;
  close(): Promise<void>;
}

/** The optimisation settings of the pretraining commands (`wb pretrain bert|gpt`, `wb distill`), as their flags name them. */
export interface OptimizerSettings {
  batchSize: number;
  /** Batches whose gradients are averaged into one update. */
  accumulation: number;
  steps: number;
  lr: number;
  warmup: number;
  weightDecay: number;
  maxGradNorm: number;
  seed: number;
}

/** Trainer's options for those settings: AdamW, linear warmup then decay to 0 at the last step. */
export function optimizerOptions(settings: OptimizerSettings) {
  return {
    totalSteps: settings.steps,
    learningRate: settings.lr,
    warmupSteps: settings.warmup,
    accumulation: settings.accumulation,
    maxGradNorm: settings.maxGradNorm,
    seed: settings.seed,
    // Biases and LayerNorm parameters are not decayed (AdamW's default rule).
    adamw: { weightDecay: settings.weightDecay },
  };
}

export interface SavedTrainer {
  state: TrainingState;
  /** Weights and optimizer moments, keyed `param/…`, `adam.m/…`, `adam.v/…`. */
  tensors: Record<string, tf.Tensor>;
  adamStep: number;
}

export class Trainer<B> {
  readonly optimizer: AdamW;
  private dataRng: Rng;
  /** The run's progress, for a listener (a notebook's bar): from the first step to the last. */
  private progress: WorkProgress | undefined;
  state: TrainingState;

  constructor(readonly options: TrainerOptions<B>) {
    this.dataRng = new Rng(options.seed);
    this.state = { step: 0, dataRngState: this.dataRng.state, tokensSeen: 0, elapsed: 0, history: [] };
    if (this.trainableNames.length === 0) throw new Error('Trainer: every parameter is frozen; nothing to train');
    this.optimizer = new AdamW(options.params, options.adamw);
  }

  /** The parameters the next update changes. */
  get trainableNames(): string[] {
    const trainable = this.options.trainable ?? (() => true);
    return Object.keys(this.options.params).filter((name) => trainable(name, this.state.step));
  }

  get done(): boolean {
    return this.state.step >= this.options.totalSteps;
  }

  learningRateAt(step: number): number {
    const { learningRate, warmupSteps = 0, totalSteps } = this.options;
    return linearWarmupDecay(step, learningRate, warmupSteps, totalSteps);
  }

  /**
   * One update (over `accumulation` batches), reading its loss and gradient norm synchronously:
   * for CPU and WebAssembly backends (the CLI's runs). On WebGPU, which has no synchronous read, use
   * `stepAsync`; both compute the same numbers.
   */
  step(): StepRecord {
    if (this.options.helpers) throw new Error('Trainer: a trainer with gradient helpers steps with stepAsync');
    const pending = this.computeGradients();
    return this.update(pending, readStepNumbers(pending, (t) => t.dataSync()[0]));
  }

  /** The same update as `step`, reading its numbers with `await tensor.data()`: works on every backend. */
  async stepAsync(): Promise<StepRecord> {
    const pending = this.options.helpers ? await this.computeGradientsWithHelpers(this.options.helpers) : this.computeGradients();
    const values = new Map<tf.Scalar, number>();
    await Promise.all(scalarsOf(pending).map(async (t) => values.set(t, (await t.data())[0])));
    return this.update(pending, readStepNumbers(pending, (t) => values.get(t)!));
  }

  /** The forward and backward passes of one update: averaged gradients, and the scalars still to read. */
  private computeGradients(): PendingStep {
    const started = performance.now();
    const results: MicroBatchResult[] = [];
    let tokens = 0;
    for (let micro = 0; micro < (this.options.accumulation ?? 1); micro++) {
      const { batch, tokens: batchTokens } = this.options.nextBatch(this.dataRng);
      tokens += batchTokens;
      results.push(this.microBatchGradients(batch));
    }
    return this.pendingStep(started, tokens, results);
  }

  /**
   * The same update with `helpers` computing their share of the micro-batches while this thread
   * computes its own. The batches are drawn in the same order and summed in the same order as
   * `computeGradients` does, so the update is the same.
   */
  private async computeGradientsWithHelpers(helpers: GradientHelpers<B>): Promise<PendingStep> {
    const started = performance.now();
    const { params } = this.options;
    const processes = helpers.count + 1;
    const drawn = Array.from({ length: this.options.accumulation ?? 1 }, () => this.options.nextBatch(this.dataRng));
    const tokens = drawn.reduce((n, b) => n + b.tokens, 0);
    const batchesPerHelper = Array.from({ length: helpers.count }, (_, h) => drawn.filter((_, i) => i % processes === h + 1).map((b) => b.batch));
    const trainable = this.trainableNames;
    const fromHelpers = helpers.compute(batchesPerHelper, params, trainable);
    // Awaited below; should this thread's share throw first, a helper's failure is not left unhandled.
    fromHelpers.catch(() => undefined);
    for (const [i, b] of drawn.entries()) if (i % processes !== 0) this.options.disposeBatch?.(b.batch);
    // Computed here while the helpers compute theirs; awaited only once this thread's share is done.
    const own = drawn.filter((_, i) => i % processes === 0).map((b) => this.microBatchGradients(b.batch));
    const helped = await fromHelpers;
    const results = drawn.map((_, i) => {
      const helper = (i % processes) - 1;
      const k = Math.floor(i / processes);
      if (helper < 0) return own[k];
      const r = helped[helper][k];
      return {
        loss: tf.scalar(r.loss),
        parts: Object.fromEntries(Object.entries(r.parts).map(([name, v]) => [name, tf.scalar(v)])),
        grads: Object.fromEntries(trainable.map((name) => [name, tf.tensor(r.grads[name].data, r.grads[name].shape, 'float32')])),
      };
    });
    return this.pendingStep(started, tokens, results);
  }

  /** One micro-batch's loss, loss parts and gradients (by parameter name), on this thread. */
  private microBatchGradients(batch: B): MicroBatchResult {
    const result = lossAndGradients(this.options.lossFn, batch, this.options.params, this.trainableNames);
    this.options.disposeBatch?.(batch);
    return result;
  }

  /** The micro-batches' gradients summed in batch order and averaged, with their scalars. */
  private pendingStep(started: number, tokens: number, results: MicroBatchResult[]): PendingStep {
    let summed = results[0].grads;
    for (const { grads } of results.slice(1)) {
      const previous = summed;
      summed = Object.fromEntries(Object.entries(grads).map(([name, g]) => [name, tf.add(previous[name], g)]));
      tf.dispose([...Object.values(previous), ...Object.values(grads)]);
    }
    const grads = results.length === 1 ? summed : Object.fromEntries(Object.entries(summed).map(([name, g]) => [name, tf.div(g, results.length)]));
    if (results.length !== 1) tf.dispose(Object.values(summed));
    return { started, grads, tokens, losses: results.map((r) => r.loss), parts: results.map((r) => r.parts), squaredNorm: squaredGlobalNorm(grads) };
  }

  /** Clipping and the AdamW update, once the step's numbers are read; then the record. */
  private update(pending: PendingStep, numbers: StepNumbers): StepRecord {
    tf.dispose(scalarsOf(pending));
    const { accumulation = 1, maxGradNorm = Infinity } = this.options;
    // Summed in batch order, in doubles, whichever way the numbers were read.
    let lossSum = 0;
    const partSums: Record<string, number> = {};
    numbers.losses.forEach((loss, micro) => {
      lossSum += loss;
      for (const [name, value] of Object.entries(numbers.parts[micro])) partSums[name] = (partSums[name] ?? 0) + value;
    });
    const norm = Math.sqrt(numbers.squaredNorm);
    const grads = clipToNorm(pending.grads, norm, maxGradNorm);
    if (grads !== pending.grads) tf.dispose(Object.values(pending.grads));
    const learningRate = this.learningRateAt(this.state.step);
    this.optimizer.apply(grads, learningRate);
    tf.dispose(Object.values(grads));

    if (!Number.isFinite(lossSum)) {
      throw new Error(`training diverged at step ${this.state.step + 1}: loss is ${lossSum} (lower the learning rate or clip gradients)`);
    }
    this.state.step++;
    this.state.tokensSeen += pending.tokens;
    this.state.elapsed += (performance.now() - pending.started) / 1000;
    this.state.dataRngState = this.dataRng.state;
    const record: StepRecord = {
      step: this.state.step,
      loss: lossSum / accumulation,
      parts: Object.fromEntries(Object.entries(partSums).map(([k, v]) => [k, v / accumulation])),
      learningRate,
      gradNorm: norm,
      tokens: pending.tokens,
      elapsed: this.state.elapsed,
    };
    this.state.history.push(record);
    this.reportProgress();
    return record;
  }

  private reportProgress(): void {
    const { totalSteps } = this.options;
    this.progress ??= startWork({ kind: 'training', label: 'training', unit: 'steps', total: totalSteps, done: this.state.step - 1 });
    this.progress.set(this.state.step);
    if (this.done) {
      this.progress.finish();
      this.progress = undefined;
    }
  }

  /** Everything needed to resume: copies, safe to keep while training goes on. */
  save(): SavedTrainer {
    const tensors: Record<string, tf.Tensor> = {};
    for (const [name, v] of Object.entries(this.options.params)) tensors[`param/${name}`] = v.clone();
    const { step, m, v, updates = {} } = this.optimizer.getState();
    for (const [name, t] of Object.entries(m)) tensors[`adam.m/${name}`] = t.clone();
    for (const [name, t] of Object.entries(v)) tensors[`adam.v/${name}`] = t.clone();
    for (const [name, t] of Object.entries(updates)) tensors[`adam.t/${name}`] = tf.scalar(t);
    return { state: structuredClone(this.state), tensors, adamStep: step };
  }

  /** Continues from a saved state: weights, optimizer moments, data position and RNG state. */
  restore(saved: SavedTrainer): void {
    const m: Record<string, tf.Tensor> = {};
    const v: Record<string, tf.Tensor> = {};
    const updates: Record<string, number> = {};
    for (const [key, t] of Object.entries(saved.tensors)) {
      const slash = key.indexOf('/');
      const kind = key.slice(0, slash);
      const name = key.slice(slash + 1);
      if (kind === 'param') {
        const param = this.options.params[name];
        if (!param) throw new Error(`training state has parameter "${name}" that the model does not`);
        if (param.shape.join() !== t.shape.join()) {
          throw new Error(`training state: "${name}" has shape [${t.shape}] but the model expects [${param.shape}]`);
        }
        param.assign(t);
      } else if (kind === 'adam.m') m[name] = t;
      else if (kind === 'adam.v') v[name] = t;
      else if (kind === 'adam.t') updates[name] = t.dataSync()[0];
    }
    this.optimizer.setState({ step: saved.adamStep, m, v, updates });
    this.state = structuredClone(saved.state);
    this.dataRng = Rng.fromState(saved.state.dataRngState);
  }
}

/** One micro-batch's loss, loss parts and gradients (by parameter name), still on the backend. */
export interface MicroBatchResult {
  loss: tf.Scalar;
  parts: Record<string, tf.Scalar>;
  grads: Record<string, tf.Tensor>;
}

/** `lossFn` on `batch` and its gradients with respect to the `trainable` ones of `params`, keyed by their names there. */
export function lossAndGradients<B>(lossFn: (batch: B) => LossOutput, batch: B, params: Record<string, tf.Variable>, trainable: string[]): MicroBatchResult {
  const nameOf = Object.fromEntries(Object.entries(params).map(([name, v]) => [v.name, name]));
  let parts: Record<string, tf.Scalar> = {};
  const { value, grads } = tf.variableGrads(() => {
    const out = lossFn(batch);
    parts = Object.fromEntries(Object.entries(out.parts ?? {}).map(([k, t]) => [k, tf.keep(t)]));
    return out.loss;
  }, trainable.map((name) => params[name]));
  return { loss: value, parts, grads: Object.fromEntries(Object.entries(grads).map(([variable, g]) => [nameOf[variable], g])) };
}

/** One update between its backward pass and its parameter update: the gradients, and the scalars its record needs. */
interface PendingStep {
  started: number;
  /** Averaged over the accumulated batches, not yet clipped. */
  grads: Record<string, tf.Tensor>;
  tokens: number;
  /** Each accumulated batch's loss and named loss parts, in batch order. */
  losses: tf.Scalar[];
  parts: Array<Record<string, tf.Scalar>>;
  squaredNorm: tf.Scalar;
}

/** The same scalars, read. */
interface StepNumbers {
  losses: number[];
  parts: Array<Record<string, number>>;
  squaredNorm: number;
}

function scalarsOf(pending: PendingStep): tf.Scalar[] {
  return [pending.squaredNorm, ...pending.losses, ...pending.parts.flatMap((p) => Object.values(p))];
}

function readStepNumbers(pending: PendingStep, read: (t: tf.Scalar) => number): StepNumbers {
  return {
    losses: pending.losses.map(read),
    parts: pending.parts.map((p) => Object.fromEntries(Object.entries(p).map(([name, t]) => [name, read(t)]))),
    squaredNorm: read(pending.squaredNorm),
  };
}
