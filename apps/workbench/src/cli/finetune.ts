/**
 * `wb finetune sst2|pair|csv|tweets|conll|qa`: fine-tune a BERT folder with a task head; the best
 * epoch's model (a Hugging Face folder) and metrics.json go to --out, a progress bar to stderr,
 * and the summary (metrics.json's content) to stdout. `tweets` is `csv` with seed 004's settings.
 */
import { Command, Option } from 'commander';
import { FINETUNE_DEFAULTS, type EpochResult } from '@wb/tasks';
import { finetune, type FinetuneTaskName } from '@wb/tasks/node';
import type { StepRecord } from '@wb/core/node';
import { fractionBelowOne, intAtLeast, intOr, nonNegativeNumber, openFraction, positiveNumber } from './args.js';
import { ProgressBar } from './progress.js';

interface TaskCommand {
  task: FinetuneTaskName;
  description: string;
  data: string;
  /** Option defaults of a preset (tweets). */
  defaults?: { textColumn?: string; labelColumn?: string; split?: number; freeze?: number | 'all'; epochs?: number; lr?: number };
}

/**
 * Seed 004: frozen BERT + a head on the three-class GOP-debate tweets, a seeded 80/20 split. Only
 * the pooler and classifier train, on [CLS] states computed once, so epochs are cheap and the
 * learning rate is a head's (1e-3), not a whole network's (5e-5).
 */
export const TWEETS_DEFAULTS = { textColumn: 'text', labelColumn: 'sentiment', split: 0.8, freeze: 'all', epochs: 10, lr: 1e-3 } as const;

export const TASK_COMMANDS: Record<string, TaskCommand> = {
  sst2: {
    task: 'sst2',
    description: 'sentence classification (BertForSequenceClassification on the pooled [CLS])',
    data: 'SST-2/GLUE TSV: sentence<TAB>label, header optional (or choose columns with --text-column/--label-column)',
  },
  pair: {
    task: 'pair',
    description: 'sentence-pair classification: [CLS] A [SEP] B [SEP] through the same head (BertForSequenceClassification)',
    data:
      'TSV: sentence1<TAB>sentence2<TAB>label, header optional; GLUE files with a header (sentence1/sentence2, question/sentence, ' +
      'question1/question2, label) are found by name, other columns with --text-column A,B --label-column L',
  },
  csv: {
    task: 'csv',
    description: 'sentence classification from a CSV file (BertForSequenceClassification on the pooled [CLS]); labels are any strings',
    data: 'RFC 4180 CSV with a header; the text and label columns by --text-column/--label-column (default text, label)',
  },
  tweets: {
    task: 'csv',
    description:
      'seed 004: three-class tweet sentiment, csv with --text-column text --label-column sentiment --split 0.8 --freeze all ' +
      '--epochs 10 --lr 1e-3 (a frozen BERT, the pooler and classifier trained); e.g. ../shared/data/gop-debate/Sentiment.csv',
    data: 'the GOP-debate Sentiment.csv (columns text, sentiment ∈ Negative/Neutral/Positive)',
    defaults: TWEETS_DEFAULTS,
  },
  conll: {
    task: 'conll',
    description: 'token classification, labels on each word\'s first WordPiece (BertForTokenClassification); dev metric entity F1',
    data: 'CoNLL token-per-line files: token ... tag, blank lines between sentences (IOB1 or IOB2 tags)',
  },
  qa: {
    task: 'qa',
    description: 'extractive QA, start/end logits over overlapping context windows (BertForQuestionAnswering); dev metrics EM/F1',
    data: 'SQuAD v1.1 JSON',
  },
};

const layersOrAll = intOr('all', 'a number of layers or "all"');

function taskCommand(name: string): Command {
  const d = FINETUNE_DEFAULTS;
  const { task, description, data, defaults = {} } = TASK_COMMANDS[name];
  const classification = task === 'sst2' || task === 'pair' || task === 'csv';
  const command = new Command(name)
    .description(`${description}. Data: ${data}`)
    .requiredOption(
      '--model <dir>',
      'BERT folder to start from (Hugging Face layout), or for sst2/csv/tweets/conll an AllenNLP ELMo folder (options.json + *.hdf5): ' +
        'the biLM stays frozen, a scalar mix of its layers and a linear classifier are trained (the out folder gets head.safetensors + elmo_task.json)',
    )
    .requiredOption('--train <file>', 'training data')
    .option('--dev <file>', `dev data, scored after every epoch; the best epoch is kept${classification ? ' (or --split)' : ''}`)
    .requiredOption('--out <dir>', 'output folder: config.json, model.safetensors, vocab.txt, metrics.json')
    .option('--epochs <n>', 'passes over the training data', intAtLeast(1), defaults.epochs ?? d.epochs)
    .option('--lr <x>', 'peak learning rate (AdamW, linear warmup then decay)', positiveNumber, defaults.lr ?? d.lr)
    .option('--batch-size <n>', 'inputs per update', intAtLeast(1), d.batchSize)
    .option('--max-length <n>', 'tokens per input, [CLS]/[SEP] included (at most the model\'s positions)', intAtLeast(8), d.maxLength)
    .option('--freeze <n|all>', 'freeze the embeddings and the first n layers (0: train everything; all: only the head trains)', layersOrAll, defaults.freeze ?? d.freeze)
    .option('--limit <n>', 'train on the first n training examples only (a quick run)', intAtLeast(1))
    .option('--seed <n>', 'seed of the head initialisation and the shuffling', intAtLeast(0), d.seed)
    .option('--warmup-ratio <x>', 'fraction of the steps spent warming up', fractionBelowOne, d.warmupRatio)
    .option('--weight-decay <x>', 'AdamW weight decay', nonNegativeNumber, d.weightDecay)
    .option('--eval-batch-size <n>', 'inputs per forward pass when scoring dev', intAtLeast(1), 64)
    .option(
      '--workers <n>',
      'worker threads that each compute a part of every batch beside this one (data parallelism; a BERT whose encoder trains; ' +
        'each runs --threads wasm threads, which default to the cores divided among the n + 1); the update is the batch\'s, up to rounding',
      intAtLeast(0),
      0,
    );
  if (classification) {
    command
      .option('--split <fraction>', 'without --dev: train on this fraction of --train\'s rows (a split seeded by --seed), score on the rest', openFraction, defaults.split)
      .option('--text-column <name|index>', task === 'pair' ? 'the two text columns, comma-separated (e.g. sentence1,sentence2)' : 'text column (header name or 0-based index)', defaults.textColumn)
      .option('--label-column <name|index>', 'label column (header name or 0-based index)', defaults.labelColumn)
      .addOption(new Option('--pooling <how>', 'what the classifier reads: the pooler output (as Transformers) or the raw [CLS] state').choices(['pooler', 'cls']).default('pooler'));
  }
  if (task === 'qa') {
    command
      .option('--doc-stride <n>', 'context tokens shared by consecutive windows (at most half a window)', intAtLeast(0), 128)
      .option('--max-answer-length <n>', 'longest answer in tokens', intAtLeast(1), 30);
  }
  return command.action(async (opts) => {
    let bar: ProgressBar | undefined;
    let stepsPerEpoch = 0;
    // A bar per epoch, started when the epoch starts (so its rate counts the first step too).
    const epochBar = (epoch: number) => new ProgressBar(stepsPerEpoch, `finetune ${name} epoch ${epoch}/${opts.epochs}`, 'steps');
    const summary = await finetune(task, {
      modelDir: opts.model,
      train: opts.train,
      dev: opts.dev,
      split: opts.dev === undefined ? opts.split : undefined,
      limit: opts.limit,
      out: opts.out,
      epochs: opts.epochs,
      lr: opts.lr,
      batchSize: opts.batchSize,
      maxLength: opts.maxLength,
      freeze: opts.freeze,
      seed: opts.seed,
      warmupRatio: opts.warmupRatio,
      weightDecay: opts.weightDecay,
      evalBatchSize: opts.evalBatchSize,
      textColumn: opts.textColumn,
      labelColumn: opts.labelColumn,
      pooling: opts.pooling,
      docStride: opts.docStride,
      maxAnswerLength: opts.maxAnswerLength,
      workers: opts.workers,
      onLog: (message) => process.stderr.write(`wb finetune ${name}: ${message}\n`),
      onStart: (info) => {
        stepsPerEpoch = info.stepsPerEpoch;
        bar = epochBar(1);
      },
      onStep: (record: StepRecord) => bar?.tick(1, `loss ${record.loss.toFixed(4)} lr ${record.learningRate.toExponential(2)}`),
      onEpoch: (e: EpochResult) => {
        const shown = Object.entries(e.metrics)
          .map(([k, v]) => `${k} ${Number.isInteger(v) ? v : v.toFixed(4)}`)
          .join(', ');
        process.stderr.write(
          `wb finetune ${name}: epoch ${e.epoch}: train loss ${e.trainLoss.toFixed(4)}; dev ${shown}${e.best ? ' (best so far, saved)' : ''}\n`,
        );
        if (e.epoch < opts.epochs) bar = epochBar(e.epoch + 1);
      },
    });
    process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
  });
}

export function finetuneCommand(): Command {
  const command = new Command('finetune').description(
    'Fine-tune a BERT folder on a task; writes the best epoch as a Hugging Face folder plus metrics.json',
  );
  for (const name of Object.keys(TASK_COMMANDS)) command.addCommand(taskCommand(name));
  return command;
}
