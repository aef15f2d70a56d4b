/**
 * `wb eval TASK`: score a model folder on a benchmark and print one JSON object on stdout
 * (progress on stderr). Each task is a subcommand built by its own function below; a new task
 * adds a function and one `.addCommand` line in `evalCommand`.
 *
 * Accuracies are fractions in [0, 1].
 */
import { Command, Option } from 'commander';
import { encoderEngineOf, loadEmbedder, loadModel } from '@wb/core/node';
import { engineOption, engineSettings } from './engine.js';
import { evaluateSenseval, evaluateWic, probeWithLogisticRegression, type LayerChoice, type SentencePooling } from '@wb/tasks';
import { readSensevalFolder, scoreFolder, readTaskData, readWicSplit, type FinetuneTaskName } from '@wb/tasks/node';
import { clozeCommand } from './cloze.js';
import { intOr, nonNegativeInt, openFraction, positiveInt, positiveNumber } from './args.js';
import { ProgressBar } from './progress.js';
import { senseGapCommand } from './sense-gap.js';

export function evalCommand(): Command {
  return new Command('eval')
    .description('Evaluate a model on a benchmark task; prints JSON (accuracies in [0, 1])')
    .addCommand(wicCommand())
    .addCommand(sensevalCommand())
    .addCommand(finetunedCommand('sst2', 'sentence classification with a fine-tuned BertForSequenceClassification: accuracy and macro-F1', 'SST-2/GLUE TSV (sentence<TAB>label, header optional)'))
    .addCommand(
      finetunedCommand(
        'csv',
        'sentence classification with a fine-tuned BertForSequenceClassification on a CSV file: accuracy and macro-F1',
        'RFC 4180 CSV with a header (columns by --text-column/--label-column, default text, label)',
      ),
    )
    .addCommand(
      finetunedCommand(
        'csv',
        'seed 004: a model from `wb finetune tweets` on the GOP-debate tweets (csv with --text-column text --label-column sentiment)',
        'the GOP-debate Sentiment.csv',
        'tweets',
        { textColumn: 'text', labelColumn: 'sentiment' },
      ),
    )
    .addCommand(finetunedCommand('pair', 'sentence-pair classification with a fine-tuned BertForSequenceClassification: accuracy and macro-F1', 'TSV sentence1<TAB>sentence2<TAB>label (header optional)'))
    .addCommand(finetunedCommand('conll', 'NER/chunking with a fine-tuned BertForTokenClassification: entity F1 (seqeval), precision, recall', 'CoNLL token-per-line file'))
    .addCommand(finetunedCommand('qa', 'extractive QA with a fine-tuned BertForQuestionAnswering: SQuAD exact match and F1', 'SQuAD v1.1 JSON'))
    .addCommand(probeCommand())
    .addCommand(senseGapCommand())
    .addCommand(clozeCommand());
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
    .addOption(engineOption())
    .action(async (opts: { model: string; data: string; split: string; layer?: LayerChoice; pooling: 'mean' | 'first'; batchSize: number }, command: Command) => {
      // Read both splits first: a missing or malformed file should fail before the model loads.
      const train = readWicSplit(opts.data, 'train');
      const test = readWicSplit(opts.data, opts.split);
      const model = await loadEmbedder(opts.model, engineSettings(command));
      const progress = new ProgressBar(2 * (train.length + test.length), 'wic', 'sentences');
      const result = await evaluateWic(model, train, test, {
        layer: opts.layer,
        pooling: opts.pooling,
        batchSize: opts.batchSize,
        onProgress: (n) => progress.tick(n),
      });
      const output = {
        task: 'wic',
        engine: encoderEngineOf(model),
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
    .addOption(engineOption())
    .action(async (opts: { model: string; data: string; k: number; folds: number; seed: number; layer?: number; pooling: 'mean' | 'first'; batchSize: number }, command: Command) => {
      const data = readSensevalFolder(opts.data);
      const model = await loadEmbedder(opts.model, engineSettings(command));
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
      process.stdout.write(JSON.stringify({ task: 'senseval', engine: encoderEngineOf(model), ...result }) + '\n');
    });
}

/**
 * `wb eval sst2|pair|csv|tweets|conll|qa`: a fine-tuned folder (from `wb finetune` or Transformers)
 * scored on a data file; classification beside the majority-class baseline on the same rows.
 * `name` and `defaults` make a preset of a task (tweets: csv with seed 004's columns).
 */
function finetunedCommand(
  task: FinetuneTaskName,
  description: string,
  data: string,
  name: string = task,
  defaults: { textColumn?: string; labelColumn?: string } = {},
): Command {
  const command = new Command(name)
    .description(description)
    .requiredOption('--model <dir>', `fine-tuned model folder (wb finetune ${name}, or a Transformers checkpoint of that architecture)`)
    .requiredOption('--data <file>', data)
    .option('--batch-size <n>', 'inputs per forward pass', positiveInt, 64)
    .option('--max-length <n>', 'tokens per input (default: what wb finetune recorded, else the model\'s positions)', positiveInt);
  if (task === 'sst2' || task === 'pair' || task === 'csv') {
    command
      .option('--text-column <name|index>', task === 'pair' ? 'the two text columns, comma-separated' : 'text column (header name or 0-based index)', defaults.textColumn)
      .option('--label-column <name|index>', 'label column (header name or 0-based index)', defaults.labelColumn)
      .option('--split <fraction>', 'score the held-out 1 − fraction of this file\'s seeded split (default: the split the model was fine-tuned with, if any)', openFraction)
      .option('--seed <n>', 'seed of that split (default: the one the model was fine-tuned with)', nonNegativeInt)
      .option('--all', 'score every row, even for a model fine-tuned on a split');
  }
  if (task === 'qa') {
    command
      .option('--doc-stride <n>', 'context tokens shared by consecutive windows (default: as fine-tuned)', nonNegativeInt)
      .option('--max-answer-length <n>', 'longest answer in tokens (default: as fine-tuned, else 30)', positiveInt);
  }
  return command.action(
    async (opts: {
      model: string;
      data: string;
      batchSize: number;
      maxLength?: number;
      textColumn?: string;
      labelColumn?: string;
      split?: number;
      seed?: number;
      all?: boolean;
      docStride?: number;
      maxAnswerLength?: number;
    }) => {
      let progress: ProgressBar | undefined;
      const { metrics, majorityBaseline, rows } = await scoreFolder(task, opts.model, opts.data, {
        ...opts,
        onTotal: (inputs) => (progress = new ProgressBar(inputs, name, 'inputs')),
        onBatch: (inputs) => progress?.tick(inputs),
      });
      const split = rows.split === undefined ? {} : { split: rows.split, seed: rows.seed, file_rows: rows.of };
      process.stdout.write(JSON.stringify({ task: name, ...metrics, ...(majorityBaseline ? { majority_baseline: majorityBaseline } : {}), ...split }) + '\n');
    },
  );
}

/**
 * `wb eval probe`: feature extraction + logistic regression (the seed-003 recipe) — [CLS] (or
 * mean-pooled) vectors of a frozen encoder, a seeded train/test split, L-BFGS logistic regression.
 */
function probeCommand(): Command {
  return new Command('probe')
    .description('Frozen-feature probe: sentence vectors of an encoder, seeded train/test split, logistic regression; accuracy on the test part')
    .requiredOption('--model <dir>', 'encoder folder (BERT, DistilBERT, RoBERTa, ALBERT), or an AllenNLP ELMo folder (options.json + *.hdf5: mean of a layer over the words, always)')
    .requiredOption('--data <file>', 'SST-2/GLUE TSV (sentence<TAB>label, header optional)')
    .option('--limit <n>', 'use only the first n rows', positiveInt)
    .option('--test-fraction <x>', 'fraction held out for scoring', openFraction, 0.25)
    .option('--seed <n>', 'seed of the split', nonNegativeInt, 0)
    .addOption(new Option('--pooling <how>', 'sentence vector: the first token\'s state ([CLS], <s>) or the mean over tokens').choices(['cls', 'mean']).default('cls'))
    .option('--layer <n>', 'hidden state to read (0 = embeddings output, or ELMo\'s token layer; default the top layer)', nonNegativeInt)
    .option('--average-layers', 'ELMo: the average of all its layers instead of one')
    .option('--C <x>', 'inverse L2 strength (scikit-learn C)', positiveNumber, 1)
    .option('--max-length <n>', 'tokens per sentence (default the model\'s positions)', positiveInt)
    .option('--batch-size <n>', 'sentences per forward pass', positiveInt, 32)
    .option('--text-column <name|index>', 'text column (header name or 0-based index)')
    .option('--label-column <name|index>', 'label column (header name or 0-based index)')
    .addOption(engineOption())
    .action(
      async (opts: {
        model: string;
        data: string;
        limit?: number;
        testFraction: number;
        seed: number;
        pooling: SentencePooling;
        layer?: number;
        C: number;
        maxLength?: number;
        batchSize: number;
        textColumn?: string;
        labelColumn?: string;
        averageLayers?: boolean;
      }, command: Command) => {
        const data = readTaskData('sst2', opts.data, opts);
        if (data.kind !== 'classification') throw new Error('probe: expected classification data');
        const examples = data.examples.slice(0, opts.limit ?? data.examples.length);
        const model = await loadModel(opts.model, engineSettings(command));
        const progress = new ProgressBar(examples.length, 'probe', 'sentences');
        const result = await probeWithLogisticRegression(model, examples, {
          testFraction: opts.testFraction,
          seed: opts.seed,
          pooling: opts.pooling,
          layer: opts.layer,
          C: opts.C,
          maxLength: opts.maxLength,
          batchSize: opts.batchSize,
          averageLayers: opts.averageLayers,
          onBatch: (n) => progress.tick(n),
        });
        const output = {
          task: 'probe',
          engine: encoderEngineOf(model),
          accuracy: result.accuracy,
          macro_f1: result.macroF1,
          train_accuracy: result.trainAccuracy,
          n: examples.length,
          train_n: result.trainN,
          test_n: result.testN,
          seed: opts.seed,
          test_fraction: opts.testFraction,
          pooling: result.recipe.pooling,
          layer: result.recipe.layer,
          C: opts.C,
          iterations: result.iterations,
          converged: result.converged,
          feature_seconds: Math.round(result.featureSeconds * 10) / 10,
          fit_seconds: Math.round(result.fitSeconds * 10) / 10,
        };
        process.stdout.write(JSON.stringify(output) + '\n');
      },
    );
}

function poolingOption(): Option {
  return new Option('--pooling <how>', "how a word's sub-word pieces become one vector").choices(['mean', 'first']).default('mean');
}

const layerChoice: (value: string) => LayerChoice = intOr('mix', 'a layer number (0 = input layer) or "mix"');
