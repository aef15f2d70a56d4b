/**
 * `wb finetune sst2|conll|pair|qa`: fine-tune a BERT folder with a task head; the best epoch's
 * model (a Hugging Face folder) and metrics.json go to --out, a progress bar to stderr, and the
 * summary (metrics.json's content) to stdout.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { FINETUNE_DEFAULTS, type EpochResult } from '@wb/tasks';
import { finetune, type FinetuneTaskName } from '@wb/tasks/node';
import type { StepRecord } from '@wb/core/node';
import { ProgressBar } from './progress.js';

const TASKS: Record<FinetuneTaskName, { description: string; data: string }> = {
  sst2: {
    description: 'sentence classification (BertForSequenceClassification on the pooled [CLS])',
    data: 'SST-2/GLUE TSV: sentence<TAB>label, header optional (or choose columns with --text-column/--label-column)',
  },
  pair: {
    description: 'sentence-pair classification: [CLS] A [SEP] B [SEP] through the same head (BertForSequenceClassification)',
    data:
      'TSV: sentence1<TAB>sentence2<TAB>label, header optional; GLUE files with a header (sentence1/sentence2, question/sentence, ' +
      'question1/question2, label) are found by name, other columns with --text-column A,B --label-column L',
  },
  conll: {
    description: 'token classification, labels on each word\'s first WordPiece (BertForTokenClassification); dev metric entity F1',
    data: 'CoNLL token-per-line files: token ... tag, blank lines between sentences (IOB1 or IOB2 tags)',
  },
  qa: {
    description: 'extractive QA, start/end logits over overlapping context windows (BertForQuestionAnswering); dev metrics EM/F1',
    data: 'SQuAD v1.1 JSON',
  },
};

const int = (min: number) => (value: string) => {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < min) throw new InvalidArgumentError(`expected an integer ≥ ${min}, got "${value}"`);
  return n;
};
const fraction = (value: string) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n >= 1) throw new InvalidArgumentError(`expected a number in [0, 1), got "${value}"`);
  return n;
};
const positive = (value: string) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`expected a positive number, got "${value}"`);
  return n;
};

function taskCommand(task: FinetuneTaskName): Command {
  const d = FINETUNE_DEFAULTS;
  const { description, data } = TASKS[task];
  const command = new Command(task)
    .description(`${description}. Data: ${data}`)
    .requiredOption(
      '--model <dir>',
      'BERT folder to start from (Hugging Face layout), or for sst2/conll an AllenNLP ELMo folder (options.json + *.hdf5): ' +
        'the biLM stays frozen, a scalar mix of its layers and a linear classifier are trained (the out folder gets head.safetensors + elmo_task.json)',
    )
    .requiredOption('--train <file>', 'training data')
    .requiredOption('--dev <file>', 'dev data, scored after every epoch; the best epoch is kept')
    .requiredOption('--out <dir>', 'output folder: config.json, model.safetensors, vocab.txt, metrics.json')
    .option('--epochs <n>', 'passes over the training data', int(1), d.epochs)
    .option('--lr <x>', 'peak learning rate (AdamW, linear warmup then decay)', positive, d.lr)
    .option('--batch-size <n>', 'inputs per update', int(1), d.batchSize)
    .option('--max-length <n>', 'tokens per input, [CLS]/[SEP] included (at most the model\'s positions)', int(8), d.maxLength)
    .option('--freeze <n>', 'freeze the embeddings and the first n layers (0: train everything)', int(0), d.freeze)
    .option('--seed <n>', 'seed of the head initialisation and the shuffling', int(0), d.seed)
    .option('--warmup-ratio <x>', 'fraction of the steps spent warming up', fraction, d.warmupRatio)
    .option('--weight-decay <x>', 'AdamW weight decay', Number, d.weightDecay)
    .option('--eval-batch-size <n>', 'inputs per forward pass when scoring dev', int(1), 64);
  if (task === 'sst2' || task === 'pair') {
    command
      .option('--text-column <name|index>', task === 'pair' ? 'the two text columns, comma-separated (e.g. sentence1,sentence2)' : 'text column (header name or 0-based index)')
      .option('--label-column <name|index>', 'label column (header name or 0-based index)')
      .addOption(new Option('--pooling <how>', 'what the classifier reads: the pooler output (as Transformers) or the raw [CLS] state').choices(['pooler', 'cls']).default('pooler'));
  }
  if (task === 'qa') {
    command
      .option('--doc-stride <n>', 'context tokens shared by consecutive windows (at most half a window)', int(0), 128)
      .option('--max-answer-length <n>', 'longest answer in tokens', int(1), 30);
  }
  return command.action(async (opts) => {
    let bar: ProgressBar | undefined;
    let stepsPerEpoch = 0;
    // A bar per epoch, started when the epoch starts (so its rate counts the first step too).
    const epochBar = (epoch: number) => new ProgressBar(stepsPerEpoch, `finetune ${task} epoch ${epoch}/${opts.epochs}`, 'steps');
    const summary = await finetune(task, {
      modelDir: opts.model,
      train: opts.train,
      dev: opts.dev,
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
      onLog: (message) => process.stderr.write(`wb finetune ${task}: ${message}\n`),
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
          `wb finetune ${task}: epoch ${e.epoch}: train loss ${e.trainLoss.toFixed(4)}; dev ${shown}${e.best ? ' (best so far, saved)' : ''}\n`,
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
  for (const task of Object.keys(TASKS) as FinetuneTaskName[]) command.addCommand(taskCommand(task));
  return command;
}
