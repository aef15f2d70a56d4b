/**
 * `wb eval cloze`: sentences with one [MASK] each, run through `wb fill-mask`'s own pipeline; a
 * sentence is a hit when one of the top-k tokens (`masks[0][i].token`) is an acceptable word.
 */
import { Command } from 'commander';
import { loadModel } from '@wb/core/node';
import { CLOZE_MASK, readClozeData, scoreCloze } from '@wb/tasks/node';
import { fillMaskOutput } from './pipelines.js';
import { ProgressBar } from './progress.js';
import { positiveInt } from './args.js';

export function clozeCommand(): Command {
  return new Command('cloze')
    .description('Cloze: hits (an acceptable word among the top-k fill-mask tokens) out of the sentences, with each sentence\'s top k')
    .requiredOption('--model <dir>', 'a masked LM with its head, as for wb fill-mask (BERT, DistilBERT, RoBERTa, ALBERT)')
    .requiredOption('--data <file>', 'JSON Lines: {"text": "... [MASK] ...", "answers": ["...", ...]} (e.g. packages/tasks/data/cloze-dev.jsonl)')
    .option('--top-k <k>', 'candidates per mask', positiveInt, 5)
    .action(async (opts: { model: string; data: string; topK: number }) => {
      const items = readClozeData(opts.data);
      const model = await loadModel(opts.model);
      const tokenizer = model.tokenizer;
      if (model.objective !== 'masked-lm' || !tokenizer || tokenizer.maskTokenId === undefined) {
        model.dispose();
        throw new Error(`${opts.model} (${model.family}, ${model.objective}) fills no mask: cloze needs a masked LM with a mask token (BERT, DistilBERT, RoBERTa, ALBERT)`);
      }
      // The data writes [MASK]; a model whose mask token is another (RoBERTa's <mask>) gets its own.
      const mask = tokenizer.idToToken(tokenizer.maskTokenId);
      const progress = new ProgressBar(items.length, 'cloze', 'sentences');
      const predictions: string[][] = [];
      const spellings: string[][] = [];
      for (const item of items) {
        const output = await fillMaskOutput(model, item.text.replace(CLOZE_MASK, mask), opts.topK);
        predictions.push(output.masks[0].map((candidate) => candidate.token));
        // How each filler reads in text: a byte-level BPE token (Ġcoffee) carries its space as a mark.
        spellings.push(output.masks[0].map((candidate) => tokenizer.decode([candidate.token_id]).trim()));
        progress.tick(1);
      }
      // A sentence none of whose answers is one vocabulary token (after a space, as mid-sentence) cannot be a hit.
      const answerable = items.map((item) => item.answers.some((answer) => tokenizer.tokenize(` ${answer}`).length === 1));
      model.dispose();
      const score = scoreCloze(items, predictions, spellings);
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
