/**
 * A training run's files (Node): `train-state/state.json` points at the `state-<step>.safetensors`
 * holding weights and AdamW moments, so a kill at any moment leaves the previous complete state
 * readable (the tensors are written first, the pointer is renamed into place last). The loss curve
 * goes to `loss.csv` and `loss.json` beside it.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { writeFileAtomic } from '../atomic-file.js';
import { readSafetensors, writeSafetensors } from '../checkpoint/safetensors.js';
import type { BatchSplitChange, SavedTrainer, StepRecord, StepsChange, TrainingState } from './trainer.js';

interface StatePointer {
  file: string;
  step: number;
  adamStep: number;
  state: TrainingState;
  /** What the run was started with; a resume with other settings is refused. */
  settings: Record<string, unknown>;
}

const STATE_DIR = 'train-state';

export function saveTrainingState(outDir: string, saved: SavedTrainer, settings: Record<string, unknown>): void {
  const dir = join(outDir, STATE_DIR);
  const file = `state-${saved.state.step}.safetensors`;
  const tensors = Object.fromEntries(
    Object.entries(saved.tensors).map(([name, t]) => [name, { shape: t.shape, data: t.dataSync() as Float32Array }]),
  );
  writeFileAtomic(join(dir, file), writeSafetensors(tensors));
  const pointer: StatePointer = { file, step: saved.state.step, adamStep: saved.adamStep, state: saved.state, settings };
  writeFileAtomic(join(dir, 'state.json'), JSON.stringify(pointer));
  for (const old of readdirSync(dir)) {
    if (old.startsWith('state-') && old !== file) rmSync(join(dir, old), { force: true });
  }
}

/** sha256 (hex) of a run's vocabulary text, recorded in its settings as `vocabSha` so that a resume with another vocabulary is refused. */
export function vocabSha(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * The 32-bit FNV-1a (over UTF-16 code units, hex without leading zeros) that runs started before
 * `vocabSha` became sha256 recorded under that name. Kept only so that those runs stay resumable:
 * pass `{ vocabSha: legacyVocabFnv(text) }` as loadTrainingState's `legacy`. Use vocabSha for anything new.
 */
export function legacyVocabFnv(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16);
}

/**
 * The last complete state in `outDir`, or undefined when there is none. Its settings must equal
 * `settings`, except that `steps` may grow or shrink past the saved step (the change goes into the
 * state's `stepsChanges`), that an update's examples may be split otherwise between `batchSize`
 * and `accumulation` (the same product; it goes into `batchSplitChanges`), and that a setting may
 * hold the value `legacy` gives for it: what an earlier version recorded for the same thing (the FNV
 * `vocabSha`), or `undefined` for a setting it did not record at all. The next save records the
 * current values.
 */
export function loadTrainingState(outDir: string, settings: Record<string, unknown>, legacy: Record<string, unknown> = {}): SavedTrainer | undefined {
  const pointerPath = join(outDir, STATE_DIR, 'state.json');
  if (!existsSync(pointerPath)) return undefined;
  let pointer: StatePointer;
  try {
    pointer = JSON.parse(readFileSync(pointerPath, 'utf8')) as StatePointer;
  } catch (e) {
    // state.json is renamed into place whole, so a broken one was edited or damaged by hand.
    throw new Error(`${pointerPath}: not a readable training state (${(e as Error).message}); delete the train-state folder to start over`);
  }
  if (!pointer || typeof pointer !== 'object' || typeof pointer.file !== 'string' || !/^state-\d+\.safetensors$/.test(pointer.file) || !pointer.settings || typeof pointer.settings !== 'object') {
    throw new Error(`${pointerPath}: not a training state (expected {"file": "state-N.safetensors", "settings": {...}, ...})`);
  }
  // The length may change: a run extended (or cut short) past where it stands follows the new
  // schedule from there, as Hugging Face's Trainer does when resumed with another max_steps.
  let stepsChange: StepsChange | undefined;
  if (typeof settings.steps === 'number' && settings.steps !== pointer.settings.steps) {
    if (settings.steps <= pointer.state.step) {
      throw new Error(`${pointerPath}: the run is at step ${pointer.state.step} already; --steps ${settings.steps} would end it before it resumes`);
    }
    stepsChange = { atStep: pointer.state.step, from: pointer.settings.steps as number, to: settings.steps };
  }
  // The same examples per update in other micro-batches (e.g. to share them between `--workers`), as
  // Hugging Face's Trainer resumes with another per-device batch size and accumulation.
  let splitChange: BatchSplitChange | undefined;
  const split = (s: Record<string, unknown>) => ({ batchSize: s.batchSize as number, accumulation: (s.accumulation as number | undefined) ?? 1 });
  const [before, now] = [split(pointer.settings), split(settings)];
  if (typeof settings.batchSize === 'number' && (before.batchSize !== now.batchSize || before.accumulation !== now.accumulation)) {
    if (before.batchSize * before.accumulation === now.batchSize * now.accumulation) splitChange = { atStep: pointer.state.step, from: before, to: now };
  }
  const same = (key: string) =>
    (key === 'steps' && stepsChange !== undefined) ||
    ((key === 'batchSize' || key === 'accumulation') && splitChange !== undefined) ||
    JSON.stringify(settings[key]) === JSON.stringify(pointer.settings[key]) ||
    (key in legacy && JSON.stringify(legacy[key]) === JSON.stringify(pointer.settings[key]));
  const changed = Object.keys({ ...settings, ...pointer.settings }).filter((key) => !same(key));
  if (changed.length > 0) {
    throw new Error(
      `${pointerPath}: cannot resume with different settings (${changed
        .map((k) => `${k}: was ${JSON.stringify(pointer.settings[k])}, now ${JSON.stringify(settings[k])}`)
        .join('; ')})`,
    );
  }
  const path = join(outDir, STATE_DIR, pointer.file);
  const file = readSafetensors(new Uint8Array(readFileSync(path)), path);
  const tensors: Record<string, tf.Tensor> = {};
  for (const [name, stored] of file.tensors) tensors[name] = tf.tensor(stored.data as Float32Array, stored.shape, 'float32');
  const state = { ...pointer.state };
  if (stepsChange) state.stepsChanges = [...(state.stepsChanges ?? []), stepsChange];
  if (splitChange) state.batchSplitChanges = [...(state.batchSplitChanges ?? []), splitChange];
  return { state, tensors, adamStep: pointer.adamStep };
}

export function writeLossCurve(outDir: string, history: StepRecord[]): void {
  const partNames = [...new Set(history.flatMap((r) => Object.keys(r.parts)))];
  const header = ['step', 'loss', ...partNames, 'learning_rate', 'grad_norm', 'tokens', 'elapsed_s'];
  const rows = history.map((r) =>
    [r.step, r.loss, ...partNames.map((p) => r.parts[p] ?? ''), r.learningRate, r.gradNorm, r.tokens, r.elapsed.toFixed(2)].join(','),
  );
  writeFileAtomic(join(outDir, 'loss.csv'), [header.join(','), ...rows].join('\n') + '\n');
  writeFileAtomic(join(outDir, 'loss.json'), JSON.stringify(history));
}

/**
 * `eval.csv`: held-out metrics by step. A resumed run keeps the rows up to the step it resumed at
 * (later ones came from steps that are being redone) and appends.
 */
export class EvalCurve {
  private readonly path: string;
  private columns: string[] = [];
  private rows: string[][] = [];

  constructor(outDir: string, resumedAt: number) {
    this.path = join(outDir, 'eval.csv');
    if (resumedAt > 0 && existsSync(this.path)) {
      const [header, ...lines] = readFileSync(this.path, 'utf8').trim().split('\n');
      this.columns = header.split(',').slice(2);
      this.rows = lines.map((line) => line.split(',')).filter((row) => Number(row[0]) <= resumedAt);
    }
  }

  add(step: number, tokens: number, metrics: Record<string, number>): void {
    if (this.columns.length === 0) this.columns = Object.keys(metrics);
    this.rows.push([String(step), String(tokens), ...this.columns.map((name) => String(metrics[name] ?? ''))]);
    const lines = [['step', 'tokens', ...this.columns].join(','), ...this.rows.map((row) => row.join(','))];
    writeFileAtomic(this.path, lines.join('\n') + '\n');
  }
}
