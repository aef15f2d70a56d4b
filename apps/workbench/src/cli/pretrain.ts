/** `wb pretrain bert|elmo|gpt`: pretraining from scratch on a corpus folder, resumable (`--resume`). */
import { Command } from 'commander';
import { BERT_PRETRAIN_DEFAULTS, ELMO_PRETRAIN_DEFAULTS, GPT_PRETRAIN_DEFAULTS, pretrainBert, pretrainElmo, pretrainGpt } from '@wb/core/node';
import { nonNegativeInt, nonNegativeNumber, oneOf, positiveInt, probability } from './args.js';
import { asTrainingRun, MASK_REPLACEMENT_HELP, maskReplacement, WORKERS_HELP } from './training-run.js';

const positionInit = oneOf('normal', 'sinusoidal');
const attentionInit = oneOf('normal', 'mimetic');

export function pretrainCommand(): Command {
  const command = new Command('pretrain').description('Pretrain a model from scratch on a corpus folder (one sentence per line, blank lines between documents)');
  const d = BERT_PRETRAIN_DEFAULTS;
  asTrainingRun(
    command
      .command('bert')
      .description('BERT with masked-LM + next-sentence prediction; writes a Hugging Face BertForPreTraining folder')
      .requiredOption('--corpus <dir>', 'corpus folder of .txt files')
      .requiredOption('--vocab <file>', 'vocab.txt (e.g. from `wb vocab`)')
      .requiredOption('--out <dir>', 'output folder (model, loss.csv, train-state/; training.json when done)')
      .option('--layers <n>', 'transformer layers', positiveInt, d.layers)
      .option('--hidden <n>', 'hidden size', positiveInt, d.hidden)
      .option('--heads <n>', 'attention heads', positiveInt, d.heads)
      .option('--intermediate <n>', 'feed-forward size', positiveInt, d.intermediate)
      .option('--max-length <n>', 'tokens per example (and position embeddings)', positiveInt, d.maxLength)
      .option('--batch-size <n>', 'examples per batch', positiveInt, d.batchSize)
      .option('--accumulation <n>', 'batches per update (gradient accumulation)', positiveInt, d.accumulation)
      .option('--seed <n>', 'seed for weights and data', nonNegativeInt, d.seed)
      .option('--mask-prob <p>', 'share of tokens chosen for the masked-LM loss', probability, d.maskProb)
      .option('--mask-replacement <how>', MASK_REPLACEMENT_HELP, maskReplacement, d.maskReplacement)
      .option('--mask-subsample <t>', "draw the masked positions with word2vec's subsampling weight min(1, sqrt(t / frequency)), so frequent tokens are masked less (e.g. 1e-4; 0: uniform, as BERT)", nonNegativeNumber, d.maskSubsample)
      .option('--whole-word-mask', "choose a word's WordPieces together for the masked LM (whole-word masking, as Google's --do_whole_word_mask)", d.wholeWordMask)
      .option('--nsp-weight <x>', 'weight of the next-sentence loss (0: MLM only, as RoBERTa)', nonNegativeNumber, d.nspWeight)
      .option('--neighbor-weight <x>', 'weight of an auxiliary loss: visible tokens predict their right neighbour through the MLM decoder (0: off, as BERT)', nonNegativeNumber, d.neighborWeight)
      .option('--isotropy-weight <x>', "weight of a penalty on the share of the encoder layers' energy in their mean direction (0: off, as BERT)", nonNegativeNumber, d.isotropyWeight)
      .option('--init-from <model>', 'continue pretraining this BertForPreTraining folder instead of random weights (its architecture; --vocab must be its vocab.txt)')
      .option('--position-init <how>', 'position embeddings start as normal(0, 0.02) (BERT) or as sinusoids of the same spread', positionInit, d.positionInit)
      .option('--attention-init <how>', 'attention weights start as normal(0, 0.02) (BERT) or mimetic: W_q·W_kᵀ ≈ 0.7·I, W_v·W_o ≈ −0.4·I (Trockman & Kolter 2023)', attentionInit, d.attentionInit)
      .option('--eval-corpus <dir>', 'corpus folder not trained on: held-out masked-LM loss and accuracy go to eval.csv')
      .option('--eval-every <n>', 'steps between held-out evaluations (with --eval-corpus)', positiveInt, 200)
      .option('--workers <n>', WORKERS_HELP, nonNegativeInt, 0),
    'pretrain bert',
    pretrainBert,
    d,
  );

  const e = ELMO_PRETRAIN_DEFAULTS;
  asTrainingRun(
    command
      .command('elmo')
      .description('An ELMo biLM (char CNN + highway + 2-layer LSTM with projection, both directions); writes AllenNLP options.json + weights.hdf5')
      .requiredOption('--corpus <dir>', 'corpus folder of .txt files')
      .requiredOption('--out <dir>', 'output folder (model, vocab of the softmax, loss.csv, train-state/; training.json when done)')
      .option('--vocab-size <n>', 'words in the softmax vocabulary (most frequent; others are <UNK>)', positiveInt, e.vocabSize)
      .option('--layers <n>', 'LSTM layers', positiveInt, e.layers)
      .option('--lstm-dim <n>', 'LSTM cell size', positiveInt, e.lstmDim)
      .option('--projection-dim <n>', 'LSTM projection (output) size', positiveInt, e.projectionDim)
      .option('--filters <spec>', 'char CNN filters as width:count,... ', e.filters)
      .option('--highway <n>', 'highway layers', nonNegativeInt, e.highway)
      .option('--char-dim <n>', 'character embedding size', positiveInt, e.charDim)
      .option('--max-words <n>', 'words per training sentence (longer ones are windowed)', positiveInt, e.maxWords)
      .option('--batch-size <n>', 'sentences per batch', positiveInt, e.batchSize)
      .option('--accumulation <n>', 'batches per update (gradient accumulation)', positiveInt, e.accumulation)
      .option('--negatives <n>', 'sampled-softmax negatives per batch (0: full softmax)', nonNegativeInt, e.negatives)
      .option('--seed <n>', 'seed for weights and data', nonNegativeInt, e.seed)
      .option('--init-from <model>', "continue pretraining this folder (options.json, weights.hdf5, its softmax's vocab.txt) instead of random weights; the softmax starts afresh")
      .option('--distill-from <bert>', "a BERT folder whose word vectors (mean of a word's pieces) are an auxiliary target for the top layer (see --distill-loss)")
      .option('--distill-layer <n>', "the teacher's layer (0: embeddings; default: its last)", nonNegativeInt)
      .option('--distill-weight <x>', 'weight of the distillation loss; needs --distill-from', nonNegativeNumber, e.distillWeight)
      .option('--distill-loss <how>', "cosine: each word through a linear head against the teacher's vector; similarity: the cosines between a batch's words against the teacher's; similarity-per-direction: the same for the forward and the backward half apart; same-word: the same between the uses of one word, each word counting once", oneOf('cosine', 'similarity', 'similarity-per-direction', 'same-word'), e.distillLoss)
      .option('--head-warmup <n>', 'first updates in which only the softmax (and the distillation head) train, so that fresh heads do not bend an --init-from biLM', nonNegativeInt, e.headWarmup)
      .option('--eval-corpus <dir>', 'corpus folder not trained on: held-out full-softmax perplexity goes to eval.csv')
      .option('--eval-every <n>', 'steps between held-out evaluations (with --eval-corpus)', positiveInt, 200)
      .option('--workers <n>', WORKERS_HELP, nonNegativeInt, 0),
    'pretrain elmo',
    pretrainElmo,
    e,
  );
  const g = GPT_PRETRAIN_DEFAULTS;
  asTrainingRun(
    command
      .command('gpt')
      .description('A GPT-2 (decoder, causal LM) on a byte-level BPE; writes a Hugging Face GPT2LMHeadModel folder and its held-out perplexity')
      .requiredOption('--corpus <dir>', 'corpus folder of .txt files')
      .requiredOption('--tokenizer <dir>', 'folder with vocab.json + merges.txt (e.g. from `wb vocab --type bpe`)')
      .requiredOption('--out <dir>', 'output folder (model, tokenizer, loss.csv, train-state/; training.json when done)')
      .option('--layers <n>', 'transformer blocks', positiveInt, g.layers)
      .option('--hidden <n>', 'hidden size', positiveInt, g.hidden)
      .option('--heads <n>', 'attention heads', positiveInt, g.heads)
      .option('--inner <n>', 'MLP size', positiveInt, g.inner)
      .option('--max-length <n>', 'tokens per example (and position embeddings)', positiveInt, g.maxLength)
      .option('--batch-size <n>', 'examples per batch', positiveInt, g.batchSize)
      .option('--accumulation <n>', 'batches per update (gradient accumulation)', positiveInt, g.accumulation)
      .option('--held-out-every <n>', 'hold every n-th document out of training, for perplexity (0: none)', nonNegativeInt, g.heldOutEvery)
      .option('--workers <n>', WORKERS_HELP, nonNegativeInt, 0)
      .option('--seed <n>', 'seed for weights and data', nonNegativeInt, g.seed),
    'pretrain gpt',
    pretrainGpt,
    g,
  );
  return command;
}
