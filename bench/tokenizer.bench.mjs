// WordPiece tokenizer throughput: @wb/core's BertTokenizer against Hugging Face's tokenizers.js
// (@huggingface/tokenizers) on the same 20,000 lines of ../shared/data/corpora/open, with
// bert-base-uncased's tokenizer.json. Each encodes every text with [CLS]/[SEP] (ids only).
// `node bench/tokenizer.bench.mjs` (build @wb/core first: `npx tsc -p packages/core`).
import { readdirSync, readFileSync } from 'node:fs';
import { Tokenizer } from '@huggingface/tokenizers';
import { BertTokenizer } from '@wb/core';
import { sharedPath } from '@wb/workbench/data';

const TEXTS = 20_000;
const RUNS = 3;

const dir = sharedPath('data', 'corpora', 'open');
const lines = readdirSync(dir)
  .sort()
  .flatMap((file) => readFileSync(`${dir}/${file}`, 'utf8').split('\n'))
  .filter((line) => line.trim().length > 0);
// Evenly spaced lines, so that every corpus is in the sample.
const texts = Array.from({ length: Math.min(TEXTS, lines.length) }, (_, i) => lines[Math.floor((i * lines.length) / TEXTS)]);
const json = JSON.parse(readFileSync(sharedPath('data', 'vocab', 'bert-base-uncased', 'tokenizer.json'), 'utf8'));

const wb = BertTokenizer.fromTokenizerJson(json);
const hf = new Tokenizer(json, {});
const impls = [
  { impl: 'wb', encode: (text) => wb.encode(text).ids },
  { impl: 'hf-tokenizers-js', encode: (text) => hf.encode(text).ids },
];

const rates = {};
for (const { impl, encode } of impls) {
  let tokens = 0;
  for (const text of texts) tokens += encode(text).length; // warm-up (JIT, caches)
  let best = Infinity;
  for (let run = 0; run < RUNS; run++) {
    const start = performance.now();
    for (const text of texts) encode(text);
    best = Math.min(best, (performance.now() - start) / 1000);
  }
  rates[impl] = texts.length / best;
  console.log(
    JSON.stringify({
      bench: 'tokenizer',
      impl,
      vocab: 'bert-base-uncased',
      texts: texts.length,
      tokens,
      seconds: +best.toFixed(3),
      texts_per_s: Math.round(texts.length / best),
      tokens_per_s: Math.round(tokens / best),
    }),
  );
}
const differing = texts.filter((text) => wb.encode(text).ids.join() !== hf.encode(text).ids.join()).length;
console.log(
  JSON.stringify({
    bench: 'tokenizer',
    ratio: 'wb/hf-tokenizers-js',
    texts_per_s_ratio: +(rates.wb / rates['hf-tokenizers-js']).toFixed(2),
    texts_with_different_ids: differing,
  }),
);
if (differing > 0) process.exitCode = 1;
