/**
 * SQuAD v1.1 JSON: `data[] → paragraphs[] → {context, qas[] → {id, question, answers[] →
 * {text, answer_start}}}`, flattened to one record per question.
 *
 * Every answer is checked against its context (`context.slice(answer_start, answer_start +
 * text.length) === text`): extractive QA trains on those character spans, and an off-by-one
 * span (a common result of re-encoding or whitespace clean-up) would quietly teach the model
 * the wrong tokens.
 *
 * JSON.parse gives no positions for valid JSON, so errors about structure name the JSON path
 * and the question id, and find the line by looking for the id in the text (ids are unique).
 */
import { DataFormatError } from './data-format-error.js';
import { findJsonSyntaxError } from './json-syntax-error.js';
import { lineAndColumn, quote } from './lines.js';

export interface SquadAnswer {
  text: string;
  /** Character offset of the answer in the context (UTF-16 code units, as JavaScript indexes). */
  start: number;
}

export interface SquadQuestion {
  id: string;
  title: string;
  context: string;
  question: string;
  /** One answer in train, usually three (from different annotators) in dev. */
  answers: SquadAnswer[];
}

export interface SquadData {
  version: string | null;
  questions: SquadQuestion[];
}

export function parseSquad(text: string, source = 'squad.json'): SquadData {
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch (error) {
    const found = findJsonSyntaxError(text);
    if (found) {
      const { line, column } = lineAndColumn(text, found.offset);
      const got = found.offset >= text.length ? 'the end of the file' : JSON.stringify(text[found.offset]);
      throw new DataFormatError(source, line, `invalid JSON: expected ${found.expected}, got ${got}`, column);
    }
    throw new DataFormatError(source, undefined, `invalid JSON: ${(error as Error).message.slice(0, 200)}`);
  }

  /** Line of the `occurrence`-th appearance of the id as a JSON string (1 = first). */
  const lineOfId = (id: unknown, occurrence = 1): number | undefined => {
    if (typeof id !== 'string') return undefined;
    let at = -1;
    for (let k = 0; k < occurrence; k++) {
      at = text.indexOf(JSON.stringify(id), at + 1);
      if (at < 0) return undefined;
    }
    return lineAndColumn(text, at).line;
  };
  // Takes the question id rather than a line: finding the line scans the text, which is only
  // affordable once, on the way out.
  const fail = (id: unknown, path: string, message: string, occurrence = 1): never => {
    throw new DataFormatError(source, lineOfId(id, occurrence), `${path}: ${message}`);
  };

  if (!isObject(root) || !Array.isArray(root.data)) {
    throw new DataFormatError(source, 1, '$: expected an object with a `data` array (SQuAD v1.1 layout)');
  }
  const top = root as { data: unknown[]; version?: unknown };
  const questions: SquadQuestion[] = [];
  const seen = new Set<string>();

  top.data.forEach((article, a) => {
    const articlePath = `data[${a}]`;
    if (!isObject(article) || !Array.isArray(article.paragraphs)) fail(undefined, articlePath, 'expected an object with a `paragraphs` array');
    const { title, paragraphs } = article as { title?: unknown; paragraphs: unknown[] };
    paragraphs.forEach((paragraph, p) => {
      const paragraphPath = `${articlePath}.paragraphs[${p}]`;
      const firstId = isObject(paragraph) && Array.isArray(paragraph.qas) && isObject(paragraph.qas[0]) ? paragraph.qas[0].id : undefined;
      if (!isObject(paragraph)) fail(undefined, paragraphPath, 'expected an object with `context` and `qas`');
      const { context, qas } = paragraph as { context?: unknown; qas?: unknown };
      if (typeof context !== 'string') fail(firstId, `${paragraphPath}.context`, 'expected a string');
      if (!Array.isArray(qas)) fail(firstId, `${paragraphPath}.qas`, 'expected an array of questions');
      (qas as unknown[]).forEach((qa, q) => {
        const qaPath = `${paragraphPath}.qas[${q}]`;
        if (!isObject(qa)) return fail(undefined, qaPath, 'expected an object with `id`, `question`, `answers`');
        const { id, question, answers } = qa;
        if (typeof id !== 'string' || id === '') return fail(undefined, `${qaPath}.id`, 'expected a non-empty string');
        const where = `${qaPath} (question ${JSON.stringify(id)})`;
        if (seen.has(id)) fail(id, where, `duplicate question id, first used on line ${lineOfId(id)} (ids key predictions, so they must be unique)`, 2);
        seen.add(id);
        if (typeof question !== 'string') fail(id, where, '`question` must be a string');
        if (!Array.isArray(answers) || answers.length === 0) {
          fail(id, where, '`answers` must be a non-empty array (SQuAD v1.1; v2.0 unanswerable questions are not supported)');
        }
        const parsed = (answers as unknown[]).map((answer, k): SquadAnswer => {
          const answerWhere = `${qaPath}.answers[${k}] (question ${JSON.stringify(id)})`;
          if (!isObject(answer)) return fail(id, answerWhere, 'expected an object with `text` and `answer_start`');
          const { text: answerText, answer_start: start } = answer;
          if (typeof answerText !== 'string' || answerText === '') return fail(id, answerWhere, '`text` must be a non-empty string');
          if (typeof start !== 'number' || !Number.isInteger(start) || start < 0) {
            return fail(id, answerWhere, `\`answer_start\` must be a non-negative integer, got ${JSON.stringify(start)}`);
          }
          const found = (context as string).slice(start, start + answerText.length);
          if (found !== answerText) {
            fail(
              id,
              answerWhere,
              `answer ${quote(answerText)} is not at answer_start ${start} of the context, which has ${quote(found)} there`,
            );
          }
          return { text: answerText, start };
        });
        questions.push({ id, title: typeof title === 'string' ? title : '', context: context as string, question: question as string, answers: parsed });
      });
    });
  });
  return { version: typeof top.version === 'string' ? top.version : null, questions };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
