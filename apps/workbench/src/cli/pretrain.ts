/** `wb pretrain bert|elmo`: pretraining from scratch on a corpus folder, resumable (`--resume`). */
import { Command, InvalidArgumentError } from 'commander';
import { BERT_PRETRAIN_DEFAULTS, ELMO_PRETRAIN_DEFAULTS, pretrainBert, pretrainElmo, type StepRecord } from '@wb/core/node';
import { ProgressBar } from './progress.js';

const int = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`expected a non-negative integer, got "${value}"`);
  return n;
};
const float = (value: string) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`expected a non-negative number, got "${value}"`);
  return n;
};

function progress(label: string) {
  let bar: ProgressBar | undefined;
  let tokens = 0;
  const started = performance.now();
  return {
    onLog: (message: string) => process.stderr.write(`wb pretrain ${label}: ${message}\n`),
    onStep: (record: StepRecord, total: number) => {
      bar ??= new ProgressBar(total - record.step + 1, `pretrain ${label}`, 'steps');
      tokens += record.tokens;
      const tokensPerSecond = tokens / ((performance.now() - started) / 1000);
      const parts = Object.entries(record.parts)
        .map(([k, v]) => `${k} ${v.toFixed(3)}`)
        .join(' ');
      bar.tick(
        1,
        `step ${record.step} loss ${record.loss.toFixed(3)}${parts ? ` (${parts})` : ''} lr ${record.learningRate.toExponential(2)} ${tokensPerSecond.toFixed(0)} tok/s`,
      );
    },
  };
}

export function pretrainCommand(): Command {
  const command = new Command('pretrain').description('Pretrain a model from scratch on a corpus folder (one sentence per line, blank lines between documents)');
  const d = BERT_PRETRAIN_DEFAULTS;
  command
    .command('bert')
    .description('BERT with masked-LM + next-sentence prediction; writes a Hugging Face BertForPreTraining folder')
    .requiredOption('--corpus <dir>', 'corpus folder of .txt files')
    .requiredOption('--vocab <file>', 'vocab.txt (e.g. from `wb vocab`)')
    .requiredOption('--out <dir>', 'output folder (model, loss.csv, training.json, train-state/)')
    .option('--layers <n>', 'transformer layers', int, d.layers)
    .option('--hidden <n>', 'hidden size', int, d.hidden)
    .option('--heads <n>', 'attention heads', int, d.heads)
    .option('--intermediate <n>', 'feed-forward size', int, d.intermediate)
    .option('--max-length <n>', 'tokens per example (and position embeddings)', int, d.maxLength)
    .option('--batch-size <n>', 'examples per batch', int, d.batchSize)
    .option('--accumulation <n>', 'batches per update (gradient accumulation)', int, d.accumulation)
    .option('--steps <n>', 'updates', int, d.steps)
    .option('--lr <x>', 'peak learning rate', float, d.lr)
    .option('--warmup <n>', 'linear warmup steps', int, d.warmup)
    .option('--weight-decay <x>', 'AdamW weight decay', float, d.weightDecay)
    .option('--max-grad-norm <x>', 'clip gradients to this global norm', float, d.maxGradNorm)
    .option('--seed <n>', 'seed for weights and data', int, d.seed)
    .option('--checkpoint-every <n>', 'save the training state every n steps', int, 50)
    .option('--resume', 'continue from the training state in --out')
    .action(async (opts) => {
      const { out, resume, checkpointEvery, ...settings } = opts;
      const result = await pretrainBert(out, settings, { resume, checkpointEvery, ...progress('bert') });
      if (result.summary) process.stdout.write(JSON.stringify(result.summary, null, 2) + '\n');
    });

  const e = ELMO_PRETRAIN_DEFAULTS;
  command
    .command('elmo')
    .description('An ELMo biLM (char CNN + highway + 2-layer LSTM with projection, both directions); writes AllenNLP options.json + weights.hdf5')
    .requiredOption('--corpus <dir>', 'corpus folder of .txt files')
    .requiredOption('--out <dir>', 'output folder (model, vocab of the softmax, loss.csv, training.json, train-state/)')
    .option('--vocab-size <n>', 'words in the softmax vocabulary (most frequent; others are <UNK>)', int, e.vocabSize)
    .option('--layers <n>', 'LSTM layers', int, e.layers)
    .option('--lstm-dim <n>', 'LSTM cell size', int, e.lstmDim)
    .option('--projection-dim <n>', 'LSTM projection (output) size', int, e.projectionDim)
    .option('--filters <spec>', 'char CNN filters as width:count,... ', e.filters)
    .option('--highway <n>', 'highway layers', int, e.highway)
    .option('--char-dim <n>', 'character embedding size', int, e.charDim)
    .option('--max-words <n>', 'words per training sentence (longer ones are windowed)', int, e.maxWords)
    .option('--batch-size <n>', 'sentences per batch', int, e.batchSize)
    .option('--steps <n>', 'updates', int, e.steps)
    .option('--lr <x>', 'peak learning rate', float, e.lr)
    .option('--warmup <n>', 'linear warmup steps', int, e.warmup)
    .option('--negatives <n>', 'sampled-softmax negatives per batch (0: full softmax)', int, e.negatives)
    .option('--max-grad-norm <x>', 'clip gradients to this global norm', float, e.maxGradNorm)
    .option('--seed <n>', 'seed for weights and data', int, e.seed)
    .option('--checkpoint-every <n>', 'save the training state every n steps', int, 50)
    .option('--resume', 'continue from the training state in --out')
    .action(async (opts) => {
      const { out, resume, checkpointEvery, ...settings } = opts;
      const result = await pretrainElmo(out, settings, { resume, checkpointEvery, ...progress('elmo') });
      if (result.summary) process.stdout.write(JSON.stringify(result.summary, null, 2) + '\n');
    });
  return command;
}
