/**
 * `wb eval sense-gap`: for each ambiguous word and layer, the mean cosine of its same-sense
 * pairs minus that of its other-sense pairs (tasks' sense/sense-gap.ts), beside the static
 * baseline. The vectors are `wb embed --all-layers`'s own rows (BERT `hidden_states`, ELMo
 * `layers`): a word's vector is the mean of the tokens that its character offsets cover.
 */
import { Command } from 'commander';
import { encoderEngineOf, loadModel, meanOfRows, tokensInSpan } from '@wb/core/node';
import { readSenseGapData, senseGaps, staticVectors, type SenseGapLayer } from '@wb/tasks/node';
import { embeddingRows } from './embed.js';
import { engineOption, engineSettings } from './engine.js';
import { ProgressBar } from './progress.js';
import { positiveInt } from './args.js';

export function senseGapCommand(): Command {
  return new Command('sense-gap')
    .description(
      'Sense gap per layer: mean cosine of same-sense minus other-sense uses of each ambiguous word (the mean of its pieces, ' +
        'found by character offsets, in the vectors of wb embed --all-layers); best layer, words above 0 there, and the static baseline',
    )
    .requiredOption('--model <dir>', 'model folder or hub id, as for wb embed (BERT and the other encoders, GPT-2, AllenNLP ELMo)')
    .requiredOption('--data <file>', 'JSON Lines: {"text", "word", "sense", "start", "end"} per sentence (e.g. packages/tasks/data/sense-gap-dev.jsonl)')
    .option('--batch-size <n>', 'sentences per model call', positiveInt, 16)
    .addOption(engineOption())
    .action(async (opts: { model: string; data: string; batchSize: number }, command: Command) => {
      const items = readSenseGapData(opts.data);
      const model = await loadModel(opts.model, engineSettings(command));
      const progress = new ProgressBar(items.length, 'sense-gap', 'sentences');
      const source = { file: opts.data, lines: items.map((item) => item.line) };
      const rows = embeddingRows(model, items.map((item) => item.text), source, { allLayers: true, batchSize: opts.batchSize, onBatch: (n) => progress.tick(n) });
      const vectors: Float32Array[][] = [];
      for await (const row of rows) {
        const item = items[vectors.length];
        const pieces = tokensInSpan(row.offsets, item, item.text);
        if (pieces.length === 0) {
          throw new Error(`${opts.data}:${item.line}: no token of the model lies inside characters ${item.start}–${item.end} ("${item.text.slice(item.start, item.end)}")`);
        }
        const layers = row.hidden_states ?? row.layers!;
        vectors.push(layers.map((layer) => meanOfRows(layer, pieces)));
      }
      const contextual = senseGaps(items, vectors);
      // The static baseline: one context-free vector per word form as written (0 by construction).
      const forms = items.map((item) => item.text.slice(item.start, item.end));
      let baseline: SenseGapLayer | null = null;
      try {
        const table = await staticVectors(model, forms);
        baseline = senseGaps(items, forms.map((form) => [table.get(form)!])).layers[0];
      } catch (e) {
        process.stderr.write(`wb eval sense-gap: no static baseline: ${(e as Error).message}\n`);
      }
      model.dispose();

      const best = contextual.layers[contextual.bestLayer];
      const summary = (layer: SenseGapLayer) => ({ layer: layer.layer, gap: layer.gap, positive_words: layer.positiveWords });
      const output = {
        task: 'sense-gap',
        engine: encoderEngineOf(model),
        family: model.family,
        n: items.length,
        words: best.words.length,
        best_layer: best.layer,
        gap: best.gap,
        positive_words: best.positiveWords,
        layers: contextual.layers.map(summary),
        per_word: Object.fromEntries(best.words.map((w) => [w.word, { gap: w.gap, same_sense: w.sameSense, other_sense: w.otherSense }])),
        static: baseline && { gap: baseline.gap, positive_words: baseline.positiveWords },
      };
      process.stdout.write(JSON.stringify(output) + '\n');
    });
}
