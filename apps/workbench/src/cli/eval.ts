/**
 * `wb eval TASK`: score a model folder on a benchmark and print one JSON object on stdout
 * (progress on stderr). Each task is a subcommand built by its own function below; a new task
 * adds a function and one `.addCommand` line in `evalCommand`.
 *
 * Accuracies are fractions in [0, 1].
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { loadEmbedder } from '@wb/core/node';
import { evaluateSenseval, evaluateWic, type LayerChoice } from '@wb/tasks';
import { readSensevalFolder, readWicSplit } from '@wb/tasks/node';
import { ProgressBar } from './progress.js';

export function evalCommand(): Command {
  return new Command('eval')
    .description('Evaluate a model on a benchmark task; prints JSON (accuracies in [0, 1])')
    .addCommand(wicCommand())
    .addCommand(sensevalCommand());
}

function wicCommand(): Command {
  return new Command('wic')
    .description(
      'Word-in-Context: cosine similarity of the target word in the two sentences, threshold (and layer) ' +
        'chosen on the train split, accuracy on --split',
    )
    .requiredOption('--model <dir>', 'model folder (Hugging Face BERT or AllenNLP ELMo)')
    .requiredOption('--data <dir>', 'WiC folder (train.data.txt, train.gold.txt, SPLIT.data.txt, SPLIT.gold.txt)')
    .addOption(new Option('--split <name>', 'split to score').choices(['dev', 'test']).default('dev'))
    .option('--layer <n|mix>', 'use this layer (0 = input layer) or "mix" (average of all layers) instead of the best on train', layerChoice)
    .addOption(poolingOption())
    .option('--batch-size <n>', 'sentences per model call', positiveInt, 32)
    .action(async (opts: { model: string; data: string; split: string; layer?: LayerChoice; pooling: 'mean' | 'first'; batchSize: number }) => {
      // Read both splits first: a missing or malformed file should fail before the model loads.
      const train = readWicSplit(opts.data, 'train');
      const test = readWicSplit(opts.data, opts.split);
      const model = await loadEmbedder(opts.model);
      const progress = new ProgressBar(2 * (train.length + test.length), 'wic', 'sentences');
      const result = await evaluateWic(model, train, test, {
        layer: opts.layer,
        pooling: opts.pooling,
        batchSize: opts.batchSize,
        onProgress: (n) => progress.tick(n),
      });
      const output = {
        task: 'wic',
        split: opts.split,
        accuracy: result.accuracy,
        threshold: result.threshold,
        layer: result.layer,
        n: result.n,
        train_n: train.length,
        layers: result.layers.map((r) => ({ layer: r.layer, threshold: r.threshold, train_accuracy: r.trainAccuracy, accuracy: r.accuracy })),
      };
      process.stdout.write(JSON.stringify(output) + '\n');
    });
}

function sensevalCommand(): Command {
  return new Command('senseval')
    .description(
      'Sense k-NN: per word (one WORD.tsv each), k-fold cross-validated k-NN on the target word\'s vector per layer, ' +
        'beside the most-frequent-sense and static (context-free) baselines',
    )
    .requiredOption('--model <dir>', 'model folder (Hugging Face BERT or AllenNLP ELMo)')
    .requiredOption('--data <dir>', 'folder of WORD.tsv files (instance_id, sense, target_index, tokens)')
    .option('--k <n>', 'neighbours that vote', positiveInt, 1)
    .option('--folds <n>', 'cross-validation folds', positiveInt, 5)
    .option('--seed <n>', 'seed of the fold shuffle', nonNegativeInt, 0)
    .option('--layer <n>', 'evaluate only this layer (0 = input layer)', nonNegativeInt)
    .addOption(poolingOption())
    .option('--batch-size <n>', 'sentences per model call', positiveInt, 32)
    .action(async (opts: { model: string; data: string; k: number; folds: number; seed: number; layer?: number; pooling: 'mean' | 'first'; batchSize: number }) => {
      const data = readSensevalFolder(opts.data);
      const model = await loadEmbedder(opts.model);
      const total = Object.values(data).reduce((sum, instances) => sum + instances.length, 0);
      const progress = new ProgressBar(total, 'senseval', 'sentences');
      const result = await evaluateSenseval(model, data, {
        k: opts.k,
        folds: opts.folds,
        seed: opts.seed,
        layer: opts.layer,
        pooling: opts.pooling,
        batchSize: opts.batchSize,
        onProgress: (n) => progress.tick(n),
      });
      process.stdout.write(JSON.stringify({ task: 'senseval', ...result }) + '\n');
    });
}

function poolingOption(): Option {
  return new Option('--pooling <how>', "how a word's sub-word pieces become one vector").choices(['mean', 'first']).default('mean');
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`expected a positive integer, got "${value}"`);
  return n;
}

function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n)) throw new InvalidArgumentError(`expected a non-negative integer, got "${value}"`);
  return n;
}

function layerChoice(value: string): LayerChoice {
  if (value === 'mix') return 'mix';
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError(`expected a layer number (0 = input layer) or "mix", got "${value}"`);
  return Number(value);
}
