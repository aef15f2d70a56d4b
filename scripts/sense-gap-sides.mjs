#!/usr/bin/env node
/**
 * One side of each sentence of a sense-gap set: `left` keeps the words up to and including the target
 * word, `right` the words from it on (its offsets moved to match). With `wb eval sense-gap` this says
 * how much of a word's sense each side of its context carries, for a model that reads both sides:
 *
 *   node scripts/sense-gap-sides.mjs left packages/tasks/data/sense-gap-dev.jsonl > left.jsonl
 *   npx wb eval sense-gap --model models/bert-mini --data left.jsonl
 */
import { readFileSync } from 'node:fs';

const [side, file] = process.argv.slice(2);
if (!['left', 'right'].includes(side) || !file) {
  console.error('usage: node scripts/sense-gap-sides.mjs left|right SET.jsonl');
  process.exit(1);
}
for (const line of readFileSync(file, 'utf8').split('\n').filter((l) => l.trim())) {
  const item = JSON.parse(line);
  const cut = side === 'left' ? { text: item.text.slice(0, item.end) } : { text: item.text.slice(item.start), start: 0, end: item.end - item.start };
  console.log(JSON.stringify({ ...item, ...cut }));
}
