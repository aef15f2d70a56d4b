/**
 * Inputs for extractive QA: `[CLS] question [SEP] context window [SEP]`, segment ids 0 for the
 * question part and 1 for the context part. A context longer than fits is split into overlapping
 * windows, as BERT's run_squad.py and Transformers' run_qa.py do: consecutive windows share
 * `docStride` tokens, so an answer cut by one window's edge lies whole inside the next.
 *
 * Each window keeps the character span of every context token in the ORIGINAL context (the
 * tokenizer's offsets: lower-casing, accent stripping and CJK splitting never move them), so a
 * predicted token span maps straight back to the text the user gave.
 */
import type { BertTokenizer } from '@wb/core';
import type { TokenizedInput } from './padded-batch.js';

export interface QaExample {
  id: string;
  question: string;
  context: string;
  /** Gold answers (character offsets in the context); the first one is the training target. */
  answers?: readonly { text: string; start: number }[];
}

export interface QaWindowOptions {
  /** Tokens per input, special tokens included. */
  maxLength: number;
  /** Context tokens shared by consecutive windows (run_qa.py's doc_stride). Default 128, at most half a window. */
  docStride?: number;
  /** Longest question in tokens; longer ones are cut (default 64, at most half of maxLength). */
  maxQuestionLength?: number;
}

export interface QaWindow extends TokenizedInput {
  /** Index of the example this window belongs to. */
  example: number;
  /** Position in `ids` of the window's first context token. */
  contextStart: number;
  /** [start, end) in the context of each context token of the window, in order. */
  offsets: Array<[number, number]>;
  /** Training target: the answer's first and last token positions, or 0 and 0 ([CLS]) when it is not wholly inside. */
  startPosition?: number;
  endPosition?: number;
}

type Tokens = { ids: number[]; offsets: Array<[number, number]> };

export function encodeQaWindows(tokenizer: BertTokenizer, examples: readonly QaExample[], options: QaWindowOptions): QaWindow[] {
  const { maxLength } = options;
  const maxQuestion = Math.min(options.maxQuestionLength ?? 64, Math.floor((maxLength - 3) / 2));
  if (maxQuestion < 1) throw new Error(`maxLength ${maxLength} is too short for a question and a context`);
  // SQuAD asks about five questions per paragraph: tokenise each context once.
  const contexts = new Map<string, Tokens>();
  const windows: QaWindow[] = [];
  examples.forEach((example, e) => {
    const question = tokenizer.encode(example.question, { addSpecialTokens: false }).ids.slice(0, maxQuestion);
    let context = contexts.get(example.context);
    if (!context) {
      const encoding = tokenizer.encode(example.context, { addSpecialTokens: false });
      context = { ids: encoding.ids, offsets: overMarks(example.context, encoding.offsets) };
      contexts.set(example.context, context);
    }
    const budget = maxLength - question.length - 3;
    const overlap = Math.min(options.docStride ?? 128, Math.floor(budget / 2));
    const answer = example.answers?.[0];
    let from = 0;
    for (;;) {
      const to = Math.min(from + budget, context.ids.length);
      const ids = [tokenizer.clsTokenId, ...question, tokenizer.sepTokenId, ...context.ids.slice(from, to), tokenizer.sepTokenId];
      const contextStart = question.length + 2;
      const typeIds = ids.map((_, p) => (p < contextStart ? 0 : 1));
      const window: QaWindow = { ids, typeIds, example: e, contextStart, offsets: context.offsets.slice(from, to) };
      if (answer) Object.assign(window, answerPositions(window.offsets, contextStart, answer.start, answer.start + answer.text.length));
      windows.push(window);
      if (to >= context.ids.length) break;
      from = to - overlap;
    }
  });
  return windows;
}

/**
 * Token spans run on over the combining marks that follow them. Accent stripping drops a combining
 * accent (NFD "cafe\u0301") from the token, so its offsets stop before it; an answer ending in that
 * accent would otherwise be labelled up to the next token, and a predicted "café" lose its accent.
 */
function overMarks(text: string, offsets: Array<[number, number]>): Array<[number, number]> {
  return offsets.map(([start, end], t) => {
    const next = t + 1 < offsets.length ? offsets[t + 1][0] : text.length;
    while (end < next && /\p{M}/u.test(text[end])) end++;
    return [start, end];
  });
}

/**
 * Token positions of the characters [startChar, endChar) in a window, as run_qa.py finds them:
 * the last token starting at or before startChar, the first token ending at or after endChar;
 * [CLS] (position 0) for both when the answer is not wholly inside the window.
 */
export function answerPositions(
  offsets: ReadonlyArray<readonly [number, number]>,
  contextStart: number,
  startChar: number,
  endChar: number,
): { startPosition: number; endPosition: number } {
  const outside = { startPosition: 0, endPosition: 0 };
  if (offsets.length === 0 || offsets[0][0] > startChar || offsets[offsets.length - 1][1] < endChar) return outside;
  let first = 0;
  while (first + 1 < offsets.length && offsets[first + 1][0] <= startChar) first++;
  let last = offsets.length - 1;
  while (last - 1 >= 0 && offsets[last - 1][1] >= endChar) last--;
  if (last < first) return outside;
  return { startPosition: contextStart + first, endPosition: contextStart + last };
}
