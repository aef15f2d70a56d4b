#!/usr/bin/env node
/**
 * A second sense-gap set, from Senseval-2 (`$WB_SHARED_DIR/data/senseval`, default ../shared): for
 * *hard*, *interest*, *line* and *serve*, every sense with at least 24 uses in which the target is the
 * word itself (not *harder*, *lines*), 24 of them drawn with a fixed seed, each cut to a window of 15
 * words either side. Prints `wb eval sense-gap` JSONL on stdout (408 lines: 17 senses × 24):
 *
 *   node scripts/senseval-gap-set.mjs > senseval-gap.jsonl
 *   npx wb eval sense-gap --model models/elmo-mini --data senseval-gap.jsonl
 *
 * The sentences are Senseval's (distributed with permission, NLTK), so the set is built, not committed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const shared = process.env.WB_SHARED_DIR ?? '../shared';
const USES_PER_SENSE = 24;
const WINDOW = 15;

/** Park–Miller: the same draws on every machine. */
function random(seed) {
  let state = seed % 2147483647 || 1;
  return () => (state = (state * 48271) % 2147483647) / 2147483647;
}

const next = random(1);
for (const word of ['hard', 'interest', 'line', 'serve']) {
  const rows = readFileSync(join(shared, 'data', 'senseval', `${word}.tsv`), 'utf8').trim().split('\n').slice(1);
  const bySense = new Map();
  for (const row of rows) {
    const [, sense, index, text] = row.split('\t');
    const tokens = text.split(' ');
    if (tokens[Number(index)].toLowerCase() !== word) continue;
    if (!bySense.has(sense)) bySense.set(sense, []);
    bySense.get(sense).push({ tokens, index: Number(index) });
  }
  for (const sense of [...bySense.keys()].sort()) {
    const uses = bySense.get(sense);
    if (uses.length < USES_PER_SENSE) continue;
    // Fisher–Yates, then the first 24.
    for (let i = uses.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [uses[i], uses[j]] = [uses[j], uses[i]];
    }
    for (const { tokens, index } of uses.slice(0, USES_PER_SENSE)) {
      const from = Math.max(0, index - WINDOW);
      const window = tokens.slice(from, index + WINDOW + 1);
      const text = window.join(' ');
      const start = window.slice(0, index - from).join(' ').length + (index > from ? 1 : 0);
      process.stdout.write(JSON.stringify({ text, word, sense, start, end: start + tokens[index].length }) + '\n');
    }
  }
}
