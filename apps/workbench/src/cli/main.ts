/** The `wb` command line. */
import { Command } from 'commander';
import { backendName } from '@wb/core';
import { defaultThreadCount, initNodeBackend } from '@wb/core/node';
import { embed } from './embed.js';
import { engineOption, engineSettings } from './engine.js';
import { exportCommand } from './export.js';
import { evalCommand } from './eval.js';
import { pretrainCommand } from './pretrain.js';
import { distillCommand } from './distill.js';
import { finetuneCommand } from './finetune.js';
import { runsCommand } from './runs.js';
import { sweepCommands } from './sweep.js';
import { fillMask, nextSentence } from './pipelines.js';
import { generate, type GenerateCommandOptions } from './generate.js';
import { vocab, type VocabOptions } from './vocab.js';
import { cacheCommand, pullCommand, resolveModelOption } from './hub.js';
import { finiteNumber, idList, nonNegativeInt, nonNegativeNumber, numberList, oneOf, port, positiveInt, probability } from './args.js';
import { exitWithParent } from './exit-with-parent.js';

/**
 * Commands that run no model in this process: they skip starting tfjs-wasm and its threads (half a
 * second a call). `serve` and `run` run models in kernel processes of their own; `sweep` on the workers.
 */
const MODEL_FREE_COMMANDS = new Set(['serve', 'run', 'runs', 'cache', 'pull', 'vocab', 'clear', 'sweep']);

function runsModels(action: Command): boolean {
  let top = action;
  while (top.parent?.parent) top = top.parent;
  return !MODEL_FREE_COMMANDS.has(top.name());
}

/**
 * With `--workers n` (data-parallel training) and no --threads/WB_THREADS, the cores are divided
 * among this process and its n workers, instead of each taking all of them.
 */
function threadsBesideWorkers(action: Command): number | undefined {
  const workers = action.opts<{ workers?: number }>().workers;
  if (!workers || process.env.WB_THREADS) return undefined;
  return Math.max(1, Math.floor(defaultThreadCount() / (workers + 1)));
}

export function buildProgram(): Command {
  const program = new Command('wb')
    .description('Contextual-embeddings workbench: embed text with BERT, GPT-2 and ELMo (and DistilBERT, RoBERTa, ALBERT), generate, probe and fine-tune models.')
    .option('--backend <name>', 'tfjs backend (wasm, cpu); default $WB_BACKEND or wasm')
    .option('--threads <n>', 'threads for the wasm backend (default $WB_THREADS, else the number of cores)')
    .option('--verbose', 'report the backend in use on stderr')
    .hook('preAction', async (command, action) => {
      if (!runsModels(action)) return;
      const { backend, verbose, threads } = command.opts<{ backend?: string; verbose?: boolean; threads?: string }>();
      const { threads: threadCount } = await initNodeBackend({ backend, threads: threads ?? threadsBesideWorkers(action) });
      if (verbose) process.stderr.write(`wb: backend ${backendName()}${backendName() === 'wasm' ? `, ${threadCount} threads` : ''}\n`);
    })
    // A hub id given to any --model (`--model org/name@rev`) becomes its snapshot folder here, downloaded when needed (hub.ts).
    .hook('preAction', async (_program, action) => resolveModelOption(action));

  program
    .command('embed')
    .description('Contextual vectors for each line of a JSONL file ({"text": ..., "text_pair"?: ...})')
    .requiredOption('--model <dir>', 'model folder or hub id (BERT, DistilBERT, RoBERTa, ALBERT, GPT-2 or AllenNLP ELMo)')
    .requiredOption('--input <file>', 'input JSONL ("-" for stdin)')
    .option('--output <file>', 'output JSONL (default stdout)')
    .option('--all-layers', 'every hidden state, embeddings output first, instead of the last one')
    .option('--attentions', 'attention probabilities of every layer and head')
    .option('--batch-size <n>', 'texts per batch', positiveInt, 8)
    .option('--max-length <n>', 'truncate inputs to this many tokens', positiveInt)
    .option('--mix <weights>', 'ScalarMix parameters, one per layer, comma-separated (adds "mix"; ELMo\'s way of using its layers)', numberList)
    .option('--mix-gamma <g>', 'ScalarMix gamma', finiteNumber, 1)
    .addOption(engineOption())
    .option('--queue', 'shard the input into jobs for `wb worker`s on Redis, then assemble the output in input order')
    .option('--redis <url>', 'with --queue: Redis, redis://host:port (default $WB_REDIS_URL)')
    .option('--shard-size <n>', 'with --queue: records per job (rounded up to whole batches)', positiveInt, 256)
    .action(async (opts, command: Command) => {
      if (!opts.queue) return embed({ ...opts, ...engineSettings(command) });
      const { embedOnQueue } = await import('../sweep/embed-queue.js');
      process.exitCode = await embedOnQueue({ ...opts, ...engineSettings(command), redis: opts.redis ?? process.env.WB_REDIS_URL });
    });

  program
    .command('fill-mask')
    .description("Top-k predictions for each mask token in a text (the model's own: [MASK] for BERT and ALBERT, <mask> for RoBERTa)")
    .requiredOption('--model <dir>', 'masked-LM folder or hub id (BERT, DistilBERT, RoBERTa, ALBERT) with its masked-LM head')
    .option('--top-k <k>', 'predictions per mask', positiveInt, 5)
    .option('--json', 'print JSON (the default when stdout is not a terminal)')
    .argument('<text>', 'text with one or more mask tokens')
    .action(async (text: string, opts: { model: string; topK: number; json?: boolean }) => fillMask(opts.model, text, opts.topK, opts.json));

  program
    .command('generate')
    .description('Continue a prompt with a causal LM (GPT-2): greedy, or sampled with --temperature/--top-k/--top-p; prints {"prompt", "prompt_ids", "new_ids", "text"}')
    .requiredOption('--model <dir>', 'causal-LM folder or hub id (GPT-2)')
    .option('--max-new-tokens <n>', 'tokens to add (fewer when the model writes its end-of-text token)', nonNegativeInt, 20)
    .option('--temperature <t>', 'sample at this temperature (0: greedy)', nonNegativeNumber)
    .option('--top-k <k>', 'sample among the k most likely tokens', positiveInt)
    .option('--top-p <p>', 'sample among the most likely tokens holding probability p (nucleus)', probability)
    .option('--seed <n>', 'seed of the sampling (the same seed, the same text)', nonNegativeInt, 0)
    .argument('<prompt>', 'the text to continue')
    .action(async (prompt: string, opts: GenerateCommandOptions) => generate(prompt, opts));

  program
    .command('nsp')
    .description('Probability that sentence B follows sentence A (next-sentence prediction)')
    .requiredOption('--model <dir>', 'BERT folder with the NSP head')
    .argument('<sentenceA>')
    .option('--json', 'print JSON (the default when stdout is not a terminal)')
    .argument('<sentenceB>')
    .action(async (a: string, b: string, opts: { model: string; json?: boolean }) => nextSentence(opts.model, a, b, opts.json));

  program
    .command('serve')
    .description('Start the notebook workbench on 127.0.0.1 (prints the URL with its access token)')
    .option('--port <n>', 'port (0: any free port; when taken, the next free one)', port, 8765)
    .option('--dir <folder>', "notebooks folder (default: the repository's notebooks/)")
    .option('--no-browser', 'do not open a browser')
    .option('--kernel-idle-timeout <seconds>', "shut down a kernel idle this long with no tab connected, as Jupyter's cull_idle_timeout (0: never)", nonNegativeNumber, 0)
    .action(async (opts: { port: number; dir?: string; browser: boolean; kernelIdleTimeout: number }) => {
      const { serve } = await import('../server/serve.js');
      await serve(opts);
    });

  program
    .command('run')
    .description('Execute a notebook headless in the Node kernel (parameters as papermill); exit code 1 if a cell fails')
    .argument('<notebook>', '.ipynb file')
    .option('--out <file>', 'write the executed notebook here')
    .option('--html <file>', 'also write it as a self-contained HTML report (outputs inline, no network, no scripts)')
    .option('-p, --param <name=value>', 'set a parameter (JSON or a string); repeatable', (v: string, all: string[]) => [...all, v], [])
    .option('--verify', 're-execute and report every stored output that changed beyond the tolerance (exit code 1 if any)')
    .option('--rtol <x>', 'relative tolerance for --verify (default 1e-4)', nonNegativeNumber)
    .option('--atol <x>', 'absolute tolerance for --verify (default 1e-6)', nonNegativeNumber)
    .action(async (notebook: string, opts: { out?: string; html?: string; param: string[]; verify?: boolean; rtol?: number; atol?: number }) => {
      const { runCommand } = await import('../notebook/execute.js');
      process.exitCode = await runCommand(notebook, opts);
    });

  program
    .command('clear')
    .description('Remove every output and execution count from notebooks (to commit them without outputs); the files are rewritten')
    .argument('<notebooks...>', '.ipynb files')
    .action(async (notebooks: string[]) => (await import('../notebook/clear.js')).clearCommand(notebooks));

  program
    .command('runs')
    .description('List the run history that `wb run` records (.wb/runs.sqlite beside the notebooks), newest first')
    .option('--notebook <file>', "only this notebook's runs (its history is found from its folder upwards)")
    .option('--dir <folder>', 'the notebooks folder whose history to read (default: the current folder upwards, else the repository\'s notebooks/)')
    .option('--limit <n>', 'only the newest n runs', positiveInt)
    .option('--compare <ids>', 'the fields (parameters, final metrics, seeds, versions, inputs) that these runs differ in, e.g. 3,5', idList)
    .option('--sweep <id>', 'the runs of one sweep (`wb sweep`), best first by its metric')
    .option('--json', 'print JSON instead of a table')
    .action((opts: { notebook?: string; dir?: string; limit?: number; compare?: number[]; sweep?: string; json?: boolean }) => {
      process.exitCode = runsCommand(opts);
    });

  // `wb eval wic|senseval|...`: benchmark scores as JSON (subcommands in eval.ts).
  program.addCommand(evalCommand());

  // `wb export onnx`: the BERT encoder as ONNX, for ONNX Runtime and Transformers.js (export.ts).
  program.addCommand(exportCommand());

  // `wb pretrain bert|elmo|gpt`: pretraining from scratch (pretrain.ts).
  program.addCommand(pretrainCommand());

  // `wb distill`: a DistilBERT student from a BERT teacher (distill.ts).
  program.addCommand(distillCommand());

  // `wb finetune sst2|conll|pair|qa`: fine-tuning with a task head (finetune.ts).
  program.addCommand(finetuneCommand());

  // `wb pull org/name[@rev]`, `wb cache ls|rm`: the Hugging Face hub cache (hub.ts).
  program.addCommand(pullCommand());
  program.addCommand(cacheCommand());

  // `wb sweep SPEC.yaml`, `wb worker`: sweeps on BullMQ + Redis (sweep.ts).
  for (const command of sweepCommands()) program.addCommand(command);

  program
    .command('vocab')
    .description("Train a WordPiece vocabulary (vocab.txt), or a byte-level BPE (vocab.json + merges.txt, GPT-2's kind), on a folder of .txt files, as Hugging Face's trainers")
    .requiredOption('--corpus <dir>', 'folder of .txt files, one sentence per line (WordPiece: lower-cased and split as BERT uncased; bpe: as written)')
    .requiredOption('--size <n>', 'vocabulary size, special tokens included', positiveInt)
    .requiredOption('--out <path>', 'wordpiece: the vocabulary file to write (one token per line, in id order); bpe: the folder for vocab.json and merges.txt')
    .option('--type <kind>', 'wordpiece (BERT) or bpe (byte-level, GPT-2)', oneOf('wordpiece', 'bpe'), 'wordpiece')
    .option('--min-frequency <n>', 'merge only pairs that occur at least this often', nonNegativeInt, 2)
    .option('--limit-alphabet <n>', 'wordpiece: keep only the n most frequent characters', positiveInt, 1000)
    .option('--extend <vocab.txt>', "wordpiece: keep this vocabulary's tokens and ids, then append the trained vocabulary's other tokens up to --size (for wb pretrain bert --init-from a model with this vocabulary)")
    .action((opts: VocabOptions) => vocab(opts));

  return program;
}

export async function main(argv: string[]): Promise<void> {
  exitWithParent();
  // A reader that stops early (`wb embed ... | head`) closes the pipe: it has what it asked for, so
  // stop quietly rather than with an unhandled EPIPE and its stack trace.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(0);
  });
  await buildProgram().parseAsync(argv);
}
