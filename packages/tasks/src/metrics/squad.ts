/**
 * SQuAD v1.1 exact match and token F1, as the official `evaluate-v1.1.py` computes them: both
 * answers normalised (lower-cased, ASCII punctuation removed, the articles a/an/the removed,
 * whitespace collapsed), then scored against every gold answer, keeping the best. Scores are
 * fractions in [0, 1]; the official script prints them ×100.
 */

// Python's string.punctuation: exactly the 32 ASCII punctuation characters, nothing else.
const PUNCTUATION = new Set('!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~');
// Python's `\b` in a str pattern is Unicode-aware; JavaScript's is ASCII-only, so the word
// boundary is spelled out (letters, digits, underscore) to treat "the" in "théthe" alike.
const ARTICLES = /(?<![\p{L}\p{N}_])(?:a|an|the)(?![\p{L}\p{N}_])/gu;
// Python's str.split() also splits on \x1c-\x1f but not on U+FEFF, unlike JavaScript's \s.
const WHITESPACE = /(?:[\x1c-\x1f]|(?!\ufeff)\s)+/u;

export function normalizeSquadAnswer(text: string): string {
  const lower = text.toLowerCase();
  let withoutPunctuation = '';
  for (const ch of lower) if (!PUNCTUATION.has(ch)) withoutPunctuation += ch;
  return squadTokens(withoutPunctuation.replace(ARTICLES, ' ')).join(' ');
}

function squadTokens(text: string): string[] {
  return text.split(WHITESPACE).filter((token) => token !== '');
}

/** 1 if the normalised prediction equals some normalised gold answer, else 0. */
export function squadExactMatch(prediction: string, goldAnswers: readonly string[]): number {
  checkGold(goldAnswers);
  const normalized = normalizeSquadAnswer(prediction);
  return goldAnswers.some((gold) => normalizeSquadAnswer(gold) === normalized) ? 1 : 0;
}

/** Best bag-of-tokens F1 between the normalised prediction and any gold answer. */
export function squadF1(prediction: string, goldAnswers: readonly string[]): number {
  checkGold(goldAnswers);
  const predicted = squadTokens(normalizeSquadAnswer(prediction));
  return Math.max(...goldAnswers.map((gold) => tokenF1(predicted, squadTokens(normalizeSquadAnswer(gold)))));
}

function tokenF1(predicted: string[], gold: string[]): number {
  // Overlap counted with multiplicity, like Counter(pred) & Counter(gold).
  const goldCounts = new Map<string, number>();
  for (const token of gold) goldCounts.set(token, (goldCounts.get(token) ?? 0) + 1);
  let same = 0;
  for (const token of predicted) {
    const left = goldCounts.get(token) ?? 0;
    if (left > 0) {
      same++;
      goldCounts.set(token, left - 1);
    }
  }
  // The official script scores 0 here even when both are empty.
  if (same === 0) return 0;
  const precision = same / predicted.length;
  const recall = same / gold.length;
  return (2 * precision * recall) / (precision + recall);
}

function checkGold(goldAnswers: readonly string[]): void {
  if (goldAnswers.length === 0) throw new Error('SQuAD metrics need at least one gold answer');
}

export interface SquadScores {
  exactMatch: number;
  f1: number;
  /** Questions with no prediction (scored 0, as the official script does). */
  unanswered: number;
}

/**
 * Mean exact match and F1 over every question, keyed by question id. A question without a
 * prediction scores 0 rather than being left out, so a partial run cannot look better.
 */
export function squadEvaluate(
  questions: readonly { id: string; answers: readonly { text: string }[] }[],
  predictions: ReadonlyMap<string, string> | Readonly<Record<string, string>>,
): SquadScores {
  if (questions.length === 0) throw new Error('squadEvaluate: no questions');
  const lookup = (id: string): string | undefined =>
    predictions instanceof Map ? predictions.get(id) : Object.prototype.hasOwnProperty.call(predictions, id) ? (predictions as Record<string, string>)[id] : undefined;
  let exactMatch = 0;
  let f1 = 0;
  let unanswered = 0;
  for (const question of questions) {
    const prediction = lookup(question.id);
    if (prediction === undefined) {
      unanswered++;
      continue;
    }
    const gold = question.answers.map((answer) => answer.text);
    exactMatch += squadExactMatch(prediction, gold);
    f1 += squadF1(prediction, gold);
  }
  return { exactMatch: exactMatch / questions.length, f1: f1 / questions.length, unanswered };
}
