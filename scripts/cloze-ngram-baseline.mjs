#!/usr/bin/env node
/**
 * What a corpus itself says about a cloze set: a count-based filler that answers each [MASK] with the
 * words seen most often between the same neighbours in the corpus (two words either side, backing off
 * to fewer: 2+2, 1+2, 2+1, 1+1, 2+0, 0+2, 1+0, 0+1), scored as `wb eval cloze` scores a model (an
 * acceptable word among the top 5). It has read every n-gram of the corpus and generalises nothing,
 * so it says which answers the corpus's own local contexts hold:
 *
 *   node scripts/cloze-ngram-baseline.mjs [cloze.jsonl] [corpus folder]
 *
 * Defaults: packages/tasks/data/cloze-dev.jsonl and `$WB_SHARED_DIR/data/corpora/open` (default
 * ../shared). Prints one line per sentence (its top 5, and how often an acceptable answer occurs
 * between its 2+2 and 1+1 neighbours), then the hits.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const shared = process.env.WB_SHARED_DIR ?? '../shared';
const [clozeFile = 'packages/tasks/data/cloze-dev.jsonl', corpusDir = join(shared, 'data', 'corpora', 'open')] = process.argv.slice(2);
const CONTEXTS = [[2, 2], [1, 2], [2, 1], [1, 1], [2, 0], [0, 2], [1, 0], [0, 1]];
const TOP_K = 5;

const words = (text) => text.toLowerCase().match(/[a-z0-9]+|[^\sa-z0-9]/g) ?? [];
const key = (left, right) => `${left.join(' ')} _ ${right.join(' ')}`;

const items = readFileSync(clozeFile, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
// Each sentence's context keys, most specific first; only these are counted in the corpus.
const keysOf = items.map(({ text }) => {
  const [before, after] = text.split('[MASK]');
  const left = words(before);
  const right = words(after);
  // A shape wider than the sentence's own context (two words after a final [MASK]) has no key.
  return CONTEXTS.map(([l, r]) => (left.length < l || right.length < r ? null : key(left.slice(left.length - l), right.slice(0, r))));
});
const wanted = new Set(keysOf.flat().filter((k) => k !== null));
const counts = new Map([...wanted].map((k) => [k, new Map()]));

for (const file of readdirSync(corpusDir).filter((name) => name.endsWith('.txt')).sort()) {
  for (const line of readFileSync(join(corpusDir, file), 'utf8').split('\n')) {
    const tokens = words(line);
    tokens.forEach((word, i) => {
      if (!/^[a-z]/.test(word)) return; // a word, not a number or a mark
      for (const [l, r] of CONTEXTS) {
        if (i < l || i + r >= tokens.length) continue;
        const k = key(tokens.slice(i - l, i), tokens.slice(i + 1, i + 1 + r));
        const slot = counts.get(k);
        if (slot) slot.set(word, (slot.get(word) ?? 0) + 1);
      }
    });
  }
}

let hits = 0;
items.forEach(({ text, answers }, n) => {
  const top = [];
  for (const k of keysOf[n].filter((k) => k !== null)) {
    const ranked = [...counts.get(k)].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    for (const [word] of ranked) if (top.length < TOP_K && !top.includes(word)) top.push(word);
  }
  const hit = answers.some((answer) => top.includes(answer));
  hits += hit ? 1 : 0;
  const support = (k) => (k === null ? '-' : answers.reduce((sum, answer) => sum + (counts.get(k).get(answer) ?? 0), 0));
  console.log(`${hit ? '+' : ' '} ${text.padEnd(58)} ${top.join(', ').padEnd(50)} answers seen in 2+2 / 1+1 context: ${support(keysOf[n][0])} / ${support(keysOf[n][3])}`);
});
console.log(`hits: ${hits} of ${items.length}`);
