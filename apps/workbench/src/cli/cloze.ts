/**
 * `wb eval cloze`: sentences with one [MASK] each, run through `wb fill-mask`'s own pipeline; a
 * sentence is a hit when one of the top-k tokens (`masks[0][i].token`) is an acceptable word.
 */
import { Command } from 'commander';
import { detectModelFamily, loadBert } from '@wb/core/node';
import { readClozeData, scoreCloze } from '@wb/tasks/node';
import { fillMaskOutput } from './pipelines.js';
import { ProgressBar } from './progress.js';
import { positiveInt } from './options.js';

export function clozeCommand(): Command {
  return new Command('cloze')
    .description('Cloze: hits (an acceptable word among the top-k fill-mask tokens) out of the sentences, with each sentence\'s top k')
    .requiredOption('--model <dir>', 'BERT folder with the masked-LM head')
    .requiredOption('--data <file>', 'JSON Lines: {"text": "... [MASK] ...", "answers": ["...", ...]} (e.g. packages/tasks/data/cloze-dev.jsonl)')
    .option('--top-k <k>', 'candidates per mask', positiveInt, 5)
    .action(async (opts: { model: string; data: string; topK: number }) => {
      const items = readClozeData(opts.data);
      if (detectModelFamily(opts.model) === 'elmo') {
        throw new Error(`${opts.model} is an ELMo: a biLM has no masked-LM head to fill a [MASK]; cloze needs a BERT`);
      }
      const bert = await loadBert(opts.model);
      const progress = new ProgressBar(items.length, 'cloze', 'sentences');
      const predictions: string[][] = [];
      for (const item of items) {
        const output = await fillMaskOutput(bert, item.text, opts.topK);
        predictions.push(output.masks[0].map((candidate) => candidate.token));
        progress.tick(1);
      }
      // A sentence none of whose answers is one vocabulary token cannot be a hit for this model.
      const answerable = items.map((item) => item.answers.some((answer) => bert.tokenizer.tokenize(answer).length === 1));
      bert.dispose();
      const score = scoreCloze(items, predictions);
      const output = {
        task: 'cloze',
        hits: score.hits,
        n: score.n,
        accuracy: score.hits / score.n,
        top_k: opts.topK,
        answerable: answerable.filter(Boolean).length,
        items: score.items.map((item, i) => ({ ...item, answerable: answerable[i] })),
      };
      process.stdout.write(JSON.stringify(output) + '\n');
    });
}
