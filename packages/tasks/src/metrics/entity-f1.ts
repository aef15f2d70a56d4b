/**
 * Entity-level precision, recall and F1 for sequence labelling (NER, chunking), as seqeval
 * computes them in its default (non-strict) mode, which is what CoNLL-2003 results and the
 * Hugging Face examples report.
 *
 * An entity is a (type, start, end) span decoded from the tags by seqeval's `get_entities`
 * rules. Those rules read IOB1 (`I-` starts an entity; `B-` only separates two adjacent
 * entities of one type) and IOB2 (every entity starts with `B-`) alike, without being told which:
 * an `I-X` after `O` or after another type starts a new entity, a change of type ends one, and
 * `E-`/`S-` (IOBES) are honoured too. An entity counts as correct only if type, start and end
 * all match. Scores are micro-averaged over all entities, plus per type.
 */
import { harmonicMean } from './precision-recall-f1.js';

export interface EntitySpan {
  type: string;
  /** Index of the first token. */
  start: number;
  /** Index of the last token (inclusive, as in seqeval). */
  end: number;
}

export interface EntityScores {
  precision: number;
  recall: number;
  f1: number;
  /** Gold entities. */
  support: number;
  /** Predicted entities. */
  predicted: number;
  /** Predicted entities that match a gold one exactly. */
  correct: number;
}

export interface EntityF1Result extends EntityScores {
  /** Per entity type, types in sorted order. */
  perType: Record<string, EntityScores>;
}

const TAG = /^([BIES])(?:-(.+))?$/;

/**
 * seqeval's `get_entities` for one sentence. Tags are `O`, or a prefix `B`, `I`, `E` or `S`
 * followed by `-TYPE` (a bare prefix has type `_`, as in seqeval).
 */
export function getEntities(tags: readonly string[], where = 'tags'): EntitySpan[] {
  const entities: EntitySpan[] = [];
  let prevTag = 'O';
  let prevType = '';
  let begin = 0;
  // The trailing 'O' closes an entity that runs to the end of the sentence.
  for (let i = 0; i <= tags.length; i++) {
    const [tag, type] = i === tags.length ? ['O', '_'] : splitTag(tags[i], `${where}[${i}]`);
    if (endOfChunk(prevTag, tag, prevType, type)) entities.push({ type: prevType, start: begin, end: i - 1 });
    if (startOfChunk(prevTag, tag, prevType, type)) begin = i;
    prevTag = tag;
    prevType = type;
  }
  return entities;
}

function splitTag(chunk: string, where: string): [string, string] {
  if (chunk === 'O') return ['O', '_'];
  const match = TAG.exec(chunk);
  if (!match) throw new Error(`${where}: expected a tag O, B-TYPE, I-TYPE, E-TYPE or S-TYPE, got ${JSON.stringify(chunk)}`);
  return [match[1], match[2] ?? '_'];
}

// The two predicates are seqeval's `end_of_chunk` and `start_of_chunk`, rule for rule.
function endOfChunk(prevTag: string, tag: string, prevType: string, type: string): boolean {
  if (prevTag === 'E' || prevTag === 'S') return true;
  if ((prevTag === 'B' || prevTag === 'I') && (tag === 'B' || tag === 'S' || tag === 'O')) return true;
  return prevTag !== 'O' && prevType !== type;
}

function startOfChunk(prevTag: string, tag: string, prevType: string, type: string): boolean {
  if (tag === 'B' || tag === 'S') return true;
  if ((prevTag === 'E' || prevTag === 'S' || prevTag === 'O') && (tag === 'E' || tag === 'I')) return true;
  return tag !== 'O' && prevType !== type;
}

/** Entity-level scores over sentences of gold and predicted tags. */
export function entityF1(goldSentences: readonly (readonly string[])[], predictedSentences: readonly (readonly string[])[]): EntityF1Result {
  if (goldSentences.length !== predictedSentences.length) {
    throw new Error(`entityF1: ${goldSentences.length} gold sentences but ${predictedSentences.length} predicted`);
  }
  const gold = new Map<string, Set<string>>();
  const predicted = new Map<string, Set<string>>();
  const collect = (into: Map<string, Set<string>>, tags: readonly string[], s: number, which: string) => {
    for (const entity of getEntities(tags, `${which} sentence ${s}`)) {
      if (!into.has(entity.type)) into.set(entity.type, new Set());
      into.get(entity.type)!.add(`${s}:${entity.start}:${entity.end}`);
    }
  };
  goldSentences.forEach((tags, s) => {
    if (tags.length !== predictedSentences[s].length) {
      throw new Error(`entityF1: sentence ${s} has ${tags.length} gold tags but ${predictedSentences[s].length} predicted`);
    }
    collect(gold, tags, s, 'gold');
    collect(predicted, predictedSentences[s], s, 'predicted');
  });

  const types = [...new Set([...gold.keys(), ...predicted.keys()])].sort();
  const perType: Record<string, EntityScores> = {};
  let support = 0;
  let predictedTotal = 0;
  let correctTotal = 0;
  for (const type of types) {
    const g = gold.get(type) ?? new Set<string>();
    const p = predicted.get(type) ?? new Set<string>();
    let correct = 0;
    for (const span of p) if (g.has(span)) correct++;
    perType[type] = scores(correct, p.size, g.size);
    support += g.size;
    predictedTotal += p.size;
    correctTotal += correct;
  }
  return { ...scores(correctTotal, predictedTotal, support), perType };
}

function scores(correct: number, predicted: number, support: number): EntityScores {
  const precision = predicted === 0 ? 0 : correct / predicted;
  const recall = support === 0 ? 0 : correct / support;
  return { precision, recall, f1: harmonicMean(precision, recall), support, predicted, correct };
}
