"""PyTorch's BERT pretraining step (MLM + NSP, AdamW, gradient clipping at norm 1) on a shape given as
JSON (argv[1]: vocab, layers, hidden, heads, intermediate, batch, seq, steps, threads), a full batch
of batch x seq tokens with 15% of them masked: one JSON line, as bench/peers/train-peers.mjs reads it."""
import json
import sys
import time

import torch

from torch_bert import BertForPreTraining, blas_in_use

shape = json.loads(sys.argv[1])
torch.set_num_threads(shape["threads"])
torch.manual_seed(0)
vocab, batch, seq = shape["vocab"], shape["batch"], shape["seq"]
model = BertForPreTraining(vocab, shape["hidden"], shape["layers"], shape["heads"], shape["intermediate"], positions=seq).train()
optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.01)

input_ids = torch.randint(5, vocab, (batch, seq))
token_type_ids = (torch.arange(seq) >= seq // 2).long().expand(batch, seq).contiguous()
attention_mask = torch.ones(batch, seq, dtype=torch.long)
masked = torch.rand(batch, seq) < 0.15
mlm_labels = torch.where(masked, input_ids, torch.full_like(input_ids, -100))
input_ids = torch.where(masked, torch.full_like(input_ids, 4), input_ids)
nsp_labels = torch.randint(0, 2, (batch,))


def step():
    optimizer.zero_grad(set_to_none=True)
    loss = model(input_ids, token_type_ids, attention_mask, mlm_labels, nsp_labels)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    optimizer.step()
    return loss.item()


step()  # warm-up
start = time.perf_counter()
for _ in range(shape["steps"]):
    step()
seconds = (time.perf_counter() - start) / shape["steps"]

print(json.dumps({
    "torch": torch.__version__,
    "threads": torch.get_num_threads(),
    "blas": blas_in_use(),
    "seconds_per_step": round(seconds, 3),
    "tokens_per_s": round(batch * seq / seconds, 1),
}))
