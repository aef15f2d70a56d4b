/**
 * Long work in @wb/core and @wb/tasks (training, embedding, evaluation: `startWork`) as a live bar
 * in the cell that runs it: one output updated in place (`live.ts`'s Progress), as tqdm in
 * Jupyter, in both kernels (the executor installs this listener).
 *
 * - Work inside work (the evaluation after each epoch of a fine-tuning, an `embed` inside an
 *   evaluation) belongs to the outer bar and gets none of its own.
 * - Training shows at once; embedding and evaluation only once they have run for a second
 *   (tqdm's `delay`), so that a cell calling `embed` on one sentence at a time in a loop does not
 *   fill the notebook with bars.
 * - The bar's final state is what the saved notebook keeps: one output per long call, saying how
 *   much ran and how long it took (marked volatile, so `wb run --verify` does not compare it).
 */
import type { WorkListener, WorkProgress } from '@wb/core';
import { Progress } from './live.js';
import type { OutputSink } from './outputs.js';

/** How long embedding and evaluation run before their bar appears. */
export const QUIET_WORK_DELAY_MS = 1000;

const ignored: WorkProgress = { advance() {}, set() {}, finish() {} };

export function workBars(sink: OutputSink, currentSeq: () => number): WorkListener {
  /** The outermost work under way, and the execution it belongs to. */
  let outer: { seq: number } | undefined;
  return (work) => {
    const seq = currentSeq();
    if (outer?.seq === seq) return ignored;
    const mine = { seq };
    outer = mine;
    const started = Date.now();
    const delay = work.kind === 'training' ? 0 : QUIET_WORK_DELAY_MS;
    let done = work.done ?? 0;
    let bar: Progress | undefined;
    const report = () => {
      if (!bar && Date.now() - started >= delay) bar = new Progress(sink, work.total, { label: work.label, unit: work.unit, start: work.done });
      bar?.update(done);
    };
    return {
      advance(count = 1) {
        done += count;
        report();
      },
      set(total) {
        done = total;
        report();
      },
      finish() {
        if (outer === mine) outer = undefined;
      },
    };
  };
}
