"""PyTorch's encoder throughput on a shape given as JSON (argv[1]: layers, hidden, heads,
intermediate, batch, seq, runs, threads): one JSON line, as bench/peers/encoder-peers.mjs reads it."""
import json
import sys
import time

import torch

from torch_bert import Bert, blas_in_use

shape = json.loads(sys.argv[1])
torch.set_num_threads(shape["threads"])
torch.manual_seed(0)
model = Bert(30522, shape["hidden"], shape["layers"], shape["heads"], shape["intermediate"]).eval()
batch, seq = shape["batch"], shape["seq"]
input_ids = torch.randint(1000, 20000, (batch, seq))
token_type_ids = torch.zeros(batch, seq, dtype=torch.long)
attention_mask = torch.ones(batch, seq, dtype=torch.long)

with torch.inference_mode():
    model(input_ids, token_type_ids, attention_mask)  # warm-up
    start = time.perf_counter()
    for _ in range(shape["runs"]):
        model(input_ids, token_type_ids, attention_mask)
    seconds = (time.perf_counter() - start) / shape["runs"]

print(json.dumps({
    "torch": torch.__version__,
    "threads": torch.get_num_threads(),
    "blas": blas_in_use(),
    "seconds_per_batch": round(seconds, 3),
    "tokens_per_s": round(batch * seq / seconds, 1),
}))
