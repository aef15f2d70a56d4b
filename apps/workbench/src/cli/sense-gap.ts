/**
 * `wb eval sense-gap`: for each ambiguous word and layer, the mean cosine of its same-sense
 * pairs minus that of its other-sense pairs (tasks' sense/sense-gap.ts), beside the static
 * baseline. The vectors are `wb embed --all-layers`'s own rows (BERT `hidden_states`, ELMo
 * `layers`): a word's vector is the mean of the tokens that its character offsets cover.
 */
import { Command } from 'commander';
import { loadEmbedder, meanOfRows, tokensInSpan, type BertModel, type ElmoModel } from '@wb/core/node';
import { readSenseGapData, senseGaps, staticVectors, type SenseGapLayer } from '@wb/tasks/node';
import { embeddingRows } from './embed.js';
import { ProgressBar } from './progress.js';
import { positiveInt } from './options.js';

export function senseGapCommand(): Command {
  return new Command('sense-gap')
    .description(
      'Sense gap per layer: mean cosine of same-sense minus other-sense uses of each ambiguous word (the mean of its pieces, ' +
        'found by character offsets, in the vectors of wb embed --all-layers); best layer, words above 0 there, and the static baseline',
    )
    .requiredOption('--model <dir>', 'model folder (Hugging Face BERT or AllenNLP ELMo)')
    .requiredOption('--data <file>', 'JSON Lines: {"text", "word", "sense", "start", "end"} per sentence (e.g. packages/tasks/data/sense-gap-dev.jsonl)')
    .option('--batch-size <n>', 'sentences per model call', positiveInt, 16)
    .action(async (opts: { model: string; data: string; batchSize: number }) => {
      const items = readSenseGapData(opts.data);
      const model = (await loadEmbedder(opts.model)) as BertModel | ElmoModel;
      const progress = new ProgressBar(items.length, 'sense-gap', 'sentences');
      const source = { file: opts.data, lines: items.map((item) => item.line) };
      const rows = embeddingRows(model, items.map((item) => item.text), source, { allLayers: true, batchSize: opts.batchSize, onBatch: (n) => progress.tick(n) });
      const vectors: Float32Array[][] = [];
      for await (const row of rows) {
        const item = items[vectors.length];
        const pieces = tokensInSpan(row.offsets, item);
        if (pieces.length === 0) {
          throw new Error(`${opts.data}:${item.line}: no token of the model lies inside characters ${item.start}–${item.end} ("${item.text.slice(item.start, item.end)}")`);
        }
        const layers = row.hidden_states ?? row.layers!;
        vectors.push(layers.map((layer) => meanOfRows(layer, pieces)));
      }
      const contextual = senseGaps(items, vectors);
      // The static baseline: one context-free vector per word form as written (0 by construction).
      const forms = items.map((item) => item.text.slice(item.start, item.end));
      const table = await staticVectors(model, forms);
      const baseline = senseGaps(items, forms.map((form) => [table.get(form)!]));
      model.dispose();

      const best = contextual.layers[contextual.bestLayer];
      const summary = (layer: SenseGapLayer) => ({ layer: layer.layer, gap: layer.gap, positive_words: layer.positiveWords });
      const output = {
        task: 'sense-gap',
        family: model.family,
        n: items.length,
        words: best.words.length,
        best_layer: best.layer,
        gap: best.gap,
        positive_words: best.positiveWords,
        layers: contextual.layers.map(summary),
        per_word: Object.fromEntries(best.words.map((w) => [w.word, { gap: w.gap, same_sense: w.sameSense, other_sense: w.otherSense }])),
        static: { gap: baseline.layers[0].gap, positive_words: baseline.layers[0].positiveWords },
      };
      process.stdout.write(JSON.stringify(output) + '\n');
    });
}
