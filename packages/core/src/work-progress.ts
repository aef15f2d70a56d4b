/**
 * How far long work is (training, embedding, evaluation), for whoever listens: the notebook
 * kernels listen and draw a live bar in the running cell, as tqdm does in Jupyter. With no
 * listener (scripts, the CLI, which draws its own bars from hooks, tests) reporting costs nothing.
 *
 * The listener is kept on `globalThis` under a registered symbol rather than in this module, so
 * that every copy of @wb/core in one realm (the kernel's own and the one a cell imports, which a
 * bundler or a second resolution may make distinct) reports to the same listener.
 */

export interface WorkInfo {
  kind: 'training' | 'embedding' | 'evaluation';
  /** What a person reads before the counts ("training", "embedding"). */
  label: string;
  total: number;
  /** What is counted ("steps", "texts"). */
  unit: string;
  /** Already done when the work starts (a resumed training run). */
  done?: number;
}

export interface WorkProgress {
  /** `count` more units are done. */
  advance(count?: number): void;
  /** `done` units are done in all. */
  set(done: number): void;
  /** The work ended. Not called when it fails part way: the bar then stays where it stopped, as tqdm's does. */
  finish(): void;
}

export type WorkListener = (work: WorkInfo) => WorkProgress;

const LISTENER = Symbol.for('@wb/core:work-listener');

const ignored: WorkProgress = { advance() {}, set() {}, finish() {} };

/** Sets (or, with undefined, removes) the listener that hears of all long work in this realm. */
export function setWorkListener(listener: WorkListener | undefined): void {
  (globalThis as Record<symbol, unknown>)[LISTENER] = listener;
}

/** Announces long work; report on the handle as it goes. */
export function startWork(work: WorkInfo): WorkProgress {
  const listener = (globalThis as Record<symbol, unknown>)[LISTENER] as WorkListener | undefined;
  return listener ? listener(work) : ignored;
}

/** Embedding `texts` inputs, as every family's `embed` reports it. */
export function startEmbedding(texts: number): WorkProgress {
  return startWork({ kind: 'embedding', label: 'embedding', unit: 'texts', total: texts });
}
