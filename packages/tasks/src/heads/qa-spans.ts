/**
 * From start/end logits to an answer string: the best span over every window of an example, with
 * start ≤ end, at most `maxAnswerLength` tokens, both ends inside the context (never the question,
 * [CLS] or [SEP]). The score of a span is start logit + end logit, as in BERT's run_squad.py. The
 * search is exhaustive over (start, length) — windows are short — rather than over the top-20
 * starts and ends, so it always finds the true best span.
 */
import type { QaExample, QaWindow } from './qa-windows.js';

export interface QaSpan {
  /** Token positions in the window's input. */
  startToken: number;
  endToken: number;
  score: number;
}

export interface QaAnswer {
  text: string;
  /** [start, end) in the context. */
  start: number;
  end: number;
  score: number;
}

/** The best valid span of one window, or null when the window has no context tokens. */
export function bestSpan(window: QaWindow, startLogits: ArrayLike<number>, endLogits: ArrayLike<number>, maxAnswerLength = 30): QaSpan | null {
  const first = window.contextStart;
  const last = window.contextStart + window.offsets.length - 1;
  let best: QaSpan | null = null;
  for (let s = first; s <= last; s++) {
    const until = Math.min(last, s + maxAnswerLength - 1);
    for (let e = s; e <= until; e++) {
      const score = startLogits[s] + endLogits[e];
      if (!best || score > best.score) best = { startToken: s, endToken: e, score };
    }
  }
  return best;
}

/** The characters [start, end) of a token span in the context (offsets in the original text, so accents and CJK come back as written). */
export function spanCharacters(window: QaWindow, span: QaSpan): { start: number; end: number } {
  return { start: window.offsets[span.startToken - window.contextStart][0], end: window.offsets[span.endToken - window.contextStart][1] };
}

/**
 * The best answer per example over all its windows. `logits[w]` holds window w's start and end
 * logits (positions beyond the window's length, i.e. padding, are never read).
 */
export function predictAnswers(
  examples: readonly QaExample[],
  windows: readonly QaWindow[],
  logits: readonly { start: ArrayLike<number>; end: ArrayLike<number> }[],
  maxAnswerLength = 30,
): Map<string, QaAnswer> {
  if (logits.length !== windows.length) throw new Error(`predictAnswers: ${windows.length} windows but ${logits.length} logit rows`);
  const best = new Map<number, QaAnswer>();
  windows.forEach((window, w) => {
    const span = bestSpan(window, logits[w].start, logits[w].end, maxAnswerLength);
    if (!span) return;
    const previous = best.get(window.example);
    if (previous && previous.score >= span.score) return;
    const context = examples[window.example].context;
    const { start, end } = spanCharacters(window, span);
    best.set(window.example, { text: context.slice(start, end), start, end, score: span.score });
  });
  return new Map(examples.flatMap((example, e) => (best.has(e) ? [[example.id, best.get(e)!] as const] : [])));
}
