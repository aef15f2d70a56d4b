/** `wb fill-mask` (any masked LM: BERT, DistilBERT, RoBERTa, ALBERT) and `wb nsp` (BERT's next-sentence head). */
import { loadBert, loadModel, type LanguageModel } from '@wb/core/node';
import { textTable, wantsJson } from './text-table.js';

export interface FillMaskOutput {
  text: string;
  /** Per mask token ([MASK], <mask>), in order: the top-k candidates, best first. */
  masks: Array<Array<{ token: string; token_id: number; score: number; sequence: string }>>;
}

/** Prints JSON with `json` or when stdout is not a terminal (`text-table.ts`), else a table per mask. */
export async function fillMask(source: string, text: string, topK: number, json?: boolean): Promise<void> {
  const model = await loadModel(source);
  try {
    const output = await fillMaskOutput(model, text, topK);
    process.stdout.write(wantsJson(json) ? JSON.stringify(output) + '\n' : fillMaskTable(output));
  } finally {
    model.dispose();
  }
}

/** `wb fill-mask` for a person: each mask's candidates, best first, with the sentence they make. */
export function fillMaskTable(output: FillMaskOutput): string {
  return output.masks
    .map((candidates, m) => {
      const title = output.masks.length > 1 ? `mask ${m + 1} of ${output.masks.length}\n` : '';
      const rows = candidates.map((c, rank) => [String(rank + 1), c.token, c.score.toFixed(4), c.sequence]);
      return title + textTable([['#', 'TOKEN', 'SCORE', 'SEQUENCE'], ...rows]);
    })
    .join('\n');
}

/** What `wb fill-mask` prints for one text (`wb eval cloze` reads its `masks[0][i].token`). */
export async function fillMaskOutput(model: LanguageModel, text: string, topK: number): Promise<FillMaskOutput> {
  const predictions = await model.fillMask(text, { topK });
  return {
    text,
    masks: predictions.map((candidates) => candidates.map(({ token, tokenId, score, sequence }) => ({ token, token_id: tokenId, score, sequence }))),
  };
}

export interface NextSentenceOutput {
  sentence_a: string;
  sentence_b: string;
  /** P(B follows A): the softmax of the head's two logits. */
  is_next: number;
  /** [is next, is random]. */
  logits: number[];
}

/** Prints JSON with `json` or when stdout is not a terminal, else the two sentences and the probability. */
export async function nextSentence(model: string, first: string, second: string, json?: boolean): Promise<void> {
  const bert = await loadBert(model);
  try {
    const { isNext, logits } = await bert.nextSentence(first, second);
    const output: NextSentenceOutput = { sentence_a: first, sentence_b: second, is_next: isNext, logits };
    process.stdout.write(wantsJson(json) ? JSON.stringify(output) + '\n' : nextSentenceTable(output));
  } finally {
    bert.dispose();
  }
}

/** `wb nsp` for a person. */
export function nextSentenceTable(output: NextSentenceOutput): string {
  return textTable([
    ['sentence A', output.sentence_a],
    ['sentence B', output.sentence_b],
    ['P(B follows A)', output.is_next.toFixed(4)],
    ['logits', output.logits.map((l) => l.toFixed(4)).join(', ')],
  ]);
}
