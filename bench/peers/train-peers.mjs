// The PyTorch peer of the training benchmark: the bert-mini pretraining step (4x128, 2 heads, FFN
// 512, vocabulary 8000, MLM + NSP, AdamW, clipping at norm 1) on a full batch of 32 x 128 tokens
// (bench/peers/torch_train.py), and its ratio to ours. Skipped, not failed, without torch.
import { defaultThreadCount } from '@wb/core/node';
import { ratio, runTorchPeer } from './pytorch.mjs';

/** `ours`: the tokens/s our bert-mini training step reported. */
export function trainPeers({ ours }) {
  const threads = defaultThreadCount();
  const torch = runTorchPeer('torch_train.py', { vocab: 8000, layers: 4, hidden: 128, heads: 2, intermediate: 512, batch: 32, seq: 128, steps: 3, threads });
  console.log(JSON.stringify({ bench: 'train-step', shape: 'bert-mini', peer: 'pytorch', ...torch }));
  console.log(JSON.stringify({ bench: 'train-step', shape: 'bert-mini', ratios: { ours_vs_pytorch: ratio(ours, torch.tokens_per_s) } }));
}
