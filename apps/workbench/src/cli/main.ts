/** The `wb` command line. */
import { Command, InvalidArgumentError } from 'commander';
import { backendName, initBackend } from '@wb/core';
import { embed } from './embed.js';
import { evalCommand } from './eval.js';
import { pretrainCommand } from './pretrain.js';
import { finetuneCommand } from './finetune.js';
import { runsCommand } from './runs.js';
import { fillMask, nextSentence } from './pipelines.js';
import { serve } from '../server/serve.js';
import { runCommand } from '../notebook/execute.js';
import { nonNegativeInt, vocab } from './vocab.js';

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`expected a positive integer, got "${value}"`);
  return n;
}

function numberList(value: string): number[] {
  const numbers = value.split(',').map(Number);
  if (numbers.some((n) => !Number.isFinite(n))) throw new InvalidArgumentError(`expected numbers separated by commas, got "${value}"`);
  return numbers;
}

function idList(value: string): number[] {
  const ids = value.split(',').map(Number);
  if (ids.some((n) => !Number.isInteger(n) || n <= 0)) throw new InvalidArgumentError(`expected run ids separated by commas, got "${value}"`);
  return ids;
}

export function buildProgram(): Command {
  const program = new Command('wb')
    .description('Contextual-embeddings workbench: embed text with BERT and ELMo, probe and fine-tune models.')
    .option('--backend <name>', 'tfjs backend (wasm, cpu); default $WB_BACKEND or wasm')
    .option('--verbose', 'report the backend in use on stderr')
    .hook('preAction', async (command) => {
      const { backend, verbose } = command.opts<{ backend?: string; verbose?: boolean }>();
      await initBackend(backend);
      if (verbose) process.stderr.write(`wb: backend ${backendName()}\n`);
    });

  program
    .command('embed')
    .description('Contextual vectors for each line of a JSONL file ({"text": ..., "text_pair"?: ...})')
    .requiredOption('--model <dir>', 'model folder (Hugging Face BERT or AllenNLP ELMo)')
    .requiredOption('--input <file>', 'input JSONL ("-" for stdin)')
    .option('--output <file>', 'output JSONL (default stdout)')
    .option('--all-layers', 'every hidden state, embeddings output first, instead of the last one')
    .option('--attentions', 'attention probabilities of every layer and head')
    .option('--batch-size <n>', 'texts per batch', positiveInt, 8)
    .option('--max-length <n>', 'truncate inputs to this many tokens', positiveInt)
    .option('--mix <weights>', 'ELMo: ScalarMix parameters, one per layer, comma-separated (adds "mix")', numberList)
    .option('--mix-gamma <g>', 'ELMo: ScalarMix gamma', Number, 1)
    .action(async (opts) => embed(opts));

  program
    .command('fill-mask')
    .description('Top-k predictions for each [MASK] in a text')
    .requiredOption('--model <dir>', 'BERT folder with a masked-LM head')
    .option('--top-k <k>', 'predictions per mask', positiveInt, 5)
    .argument('<text>', 'text with one or more [MASK] tokens')
    .action(async (text: string, opts: { model: string; topK: number }) => fillMask(opts.model, text, opts.topK));

  program
    .command('nsp')
    .description('Probability that sentence B follows sentence A (next-sentence prediction)')
    .requiredOption('--model <dir>', 'BERT folder with the NSP head')
    .argument('<sentenceA>')
    .argument('<sentenceB>')
    .action(async (a: string, b: string, opts: { model: string }) => nextSentence(opts.model, a, b));

  program
    .command('serve')
    .description('Start the notebook workbench on 127.0.0.1 (prints the URL with its access token)')
    .option('--port <n>', 'port (0: any free port; when taken, the next free one)', (v) => Number(v), 8765)
    .option('--dir <folder>', "notebooks folder (default: the repository's notebooks/)")
    .option('--no-browser', 'do not open a browser')
    .action(async (opts: { port: number; dir?: string; browser: boolean }) => {
      await serve(opts);
    });

  program
    .command('run')
    .description('Execute a notebook headless in the Node kernel (parameters as papermill); exit code 1 if a cell fails')
    .argument('<notebook>', '.ipynb file')
    .option('--out <file>', 'write the executed notebook here')
    .option('--html <file>', 'also write it as a self-contained HTML report (outputs inline, no network, no scripts)')
    .option('--param <name=value>', 'set a parameter (JSON or a string); repeatable', (v: string, all: string[]) => [...all, v], [])
    .option('--verify', 're-execute and report every stored output that changed beyond the tolerance (exit code 1 if any)')
    .option('--rtol <x>', 'relative tolerance for --verify (default 1e-4)', (v) => Number(v))
    .option('--atol <x>', 'absolute tolerance for --verify (default 1e-6)', (v) => Number(v))
    .action(async (notebook: string, opts: { out?: string; html?: string; param: string[]; verify?: boolean; rtol?: number; atol?: number }) => {
      process.exitCode = await runCommand(notebook, opts);
    });

  program
    .command('runs')
    .description('List the run history that `wb run` records (.wb/runs.sqlite beside the notebooks), newest first')
    .option('--notebook <file>', "only this notebook's runs (its history is found from its folder upwards)")
    .option('--dir <folder>', 'the notebooks folder whose history to read (default: the current folder upwards, else the repository\'s notebooks/)')
    .option('--limit <n>', 'only the newest n runs', positiveInt)
    .option('--compare <ids>', 'the fields (parameters, final metrics, seeds, versions, inputs) that these runs differ in, e.g. 3,5', idList)
    .option('--json', 'print JSON instead of a table')
    .action((opts: { notebook?: string; dir?: string; limit?: number; compare?: number[]; json?: boolean }) => {
      process.exitCode = runsCommand(opts);
    });

  // `wb eval wic|senseval|...`: benchmark scores as JSON (subcommands in eval.ts).
  program.addCommand(evalCommand());

  // `wb pretrain bert|elmo`: pretraining from scratch (pretrain.ts).
  program.addCommand(pretrainCommand());

  // `wb finetune sst2|conll|pair|qa`: fine-tuning with a task head (finetune.ts).
  program.addCommand(finetuneCommand());

  program
    .command('vocab')
    .description("Train a WordPiece vocabulary (vocab.txt) on a folder of .txt files, as Hugging Face's WordPieceTrainer")
    .requiredOption('--corpus <dir>', 'folder of .txt files, one sentence per line (lower-cased and split as BERT uncased)')
    .requiredOption('--size <n>', 'vocabulary size, special tokens included', positiveInt)
    .requiredOption('--out <file>', 'vocabulary file to write (one token per line, in id order)')
    .option('--min-frequency <n>', 'merge only pairs that occur at least this often', nonNegativeInt, 2)
    .option('--limit-alphabet <n>', 'keep only the n most frequent characters', positiveInt, 1000)
    .action((opts: { corpus: string; size: number; out: string; minFrequency: number; limitAlphabet: number }) => vocab(opts));

  return program;
}

export async function main(argv: string[]): Promise<void> {
  await buildProgram().parseAsync(argv);
}
