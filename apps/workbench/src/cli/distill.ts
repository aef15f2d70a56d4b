/** `wb distill`: a DistilBERT student from a BERT teacher (Sanh et al. 2019), resumable (`--resume`). */
import { Command } from 'commander';
import { DISTILL_DEFAULTS, distill, SIMILARITY_BATCH_TOKENS } from '@wb/core/node';
import { nonNegativeInt, nonNegativeNumber, numberList, positiveInt, positiveNumber, probability } from './args.js';
import { asTrainingRun, MASK_REPLACEMENT_HELP, maskReplacement, WORKERS_HELP } from './training-run.js';

export function distillCommand(): Command {
  const d = DISTILL_DEFAULTS;
  const command = new Command('distill')
    .description("Distil a BERT into a DistilBERT student (half the layers, from every other teacher layer, or --init-from a student; soft targets + MLM + cosine losses, and with --alpha-sim a same-token similarity loss); writes a Hugging Face DistilBertForMaskedLM folder")
    .requiredOption('--teacher <dir>', 'BERT folder with its masked-LM head (e.g. models/bert-mini)')
    .requiredOption('--corpus <dir>', 'corpus folder of .txt files (one sentence per line, blank lines between documents)')
    .requiredOption('--out <dir>', 'output folder (model, vocab, loss.csv, train-state/; training.json when done)')
    .option('--layers <n>', "student layers (default: half the teacher's)", positiveInt)
    .option('--teacher-layers <list>', "the teacher layers that start the student's, e.g. 1,3 (default: every other one from 0, as Sanh et al.; sets the student's depth)", numberList)
    .option('--max-length <n>', 'tokens per example', positiveInt, d.maxLength)
    .option('--batch-size <n>', 'examples per batch', positiveInt, d.batchSize)
    .option('--accumulation <n>', 'batches per update (gradient accumulation)', positiveInt, d.accumulation)
    .option('--seed <n>', 'seed for the data', nonNegativeInt, d.seed)
    .option('--mask-prob <p>', 'share of tokens chosen for the masked-LM losses', probability, d.maskProb)
    .option('--mask-replacement <how>', MASK_REPLACEMENT_HELP, maskReplacement, d.maskReplacement)
    .option('--temperature <t>', 'softmax temperature of the soft targets', positiveNumber, d.temperature)
    .option('--alpha-ce <x>', 'weight of the soft-target cross-entropy', nonNegativeNumber, d.alphaCe)
    .option('--alpha-mlm <x>', 'weight of the masked-LM loss', nonNegativeNumber, d.alphaMlm)
    .option('--alpha-cos <x>', 'weight of the hidden-state cosine loss', nonNegativeNumber, d.alphaCos)
    .option('--alpha-sim <x>', "weight of the same-token similarity loss: (cos_student − cos_teacher)² over the pairs of one token's uses in a batch, each token counting once (0: off)", nonNegativeNumber, d.alphaSim)
    .option('--alpha-sim-batch <x>', `weight of the whole-batch similarity loss: (cos_student − cos_teacher)² over every pair of up to ${SIMILARITY_BATCH_TOKENS} of a batch's tokens (0: off)`, nonNegativeNumber, d.alphaSimBatch)
    .option('--isotropy-weight <x>', "weight of a penalty on the share of the student layers' energy in their mean direction, as `wb pretrain bert --isotropy-weight` (0: off)", nonNegativeNumber, d.isotropyWeight)
    .option('--init-from <dir>', "continue this DistilBertForMaskedLM folder (the teacher's vocabulary and widths) instead of starting from the teacher's layers")
    .option('--workers <n>', WORKERS_HELP, nonNegativeInt, 0);
  return asTrainingRun(command, 'distill', distill, d);
}
