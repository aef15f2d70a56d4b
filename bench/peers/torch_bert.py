"""BERT as Hugging Face's modeling_bert.py computes it, in plain torch.nn: the PyTorch peer of the
encoder and training benchmarks (bench/peers/*.mjs run it). Random weights; speed does not depend
on their values."""
import math
import re

import torch
from torch import nn
from torch.nn import functional as F


class Layer(nn.Module):
    def __init__(self, hidden, heads, intermediate, eps):
        super().__init__()
        self.heads = heads
        self.query = nn.Linear(hidden, hidden)
        self.key = nn.Linear(hidden, hidden)
        self.value = nn.Linear(hidden, hidden)
        self.attention_output = nn.Linear(hidden, hidden)
        self.attention_norm = nn.LayerNorm(hidden, eps=eps)
        self.intermediate = nn.Linear(hidden, intermediate)
        self.output = nn.Linear(intermediate, hidden)
        self.output_norm = nn.LayerNorm(hidden, eps=eps)

    def split(self, x):
        batch, seq, hidden = x.shape
        return x.view(batch, seq, self.heads, hidden // self.heads).transpose(1, 2)

    def forward(self, x, mask_bias):
        q, k, v = self.split(self.query(x)), self.split(self.key(x)), self.split(self.value(x))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(q.shape[-1]) + mask_bias
        context = torch.matmul(scores.softmax(-1), v).transpose(1, 2).reshape(x.shape)
        x = self.attention_norm(self.attention_output(context) + x)
        return self.output_norm(self.output(F.gelu(self.intermediate(x))) + x)


class Bert(nn.Module):
    def __init__(self, vocab, hidden, layers, heads, intermediate, positions=512, types=2, eps=1e-12):
        super().__init__()
        self.words = nn.Embedding(vocab, hidden)
        self.positions = nn.Embedding(positions, hidden)
        self.types = nn.Embedding(types, hidden)
        self.norm = nn.LayerNorm(hidden, eps=eps)
        self.layers = nn.ModuleList([Layer(hidden, heads, intermediate, eps) for _ in range(layers)])
        self.pooler = nn.Linear(hidden, hidden)

    def forward(self, input_ids, token_type_ids, attention_mask):
        seq = input_ids.shape[1]
        positions = torch.arange(seq, device=input_ids.device).unsqueeze(0)
        x = self.norm(self.words(input_ids) + self.types(token_type_ids) + self.positions(positions))
        mask_bias = (1.0 - attention_mask[:, None, None, :].to(x.dtype)) * torch.finfo(x.dtype).min
        for layer in self.layers:
            x = layer(x, mask_bias)
        return x, torch.tanh(self.pooler(x[:, 0]))


class BertForPreTraining(nn.Module):
    """Masked LM (decoder tied to the word embeddings) and next-sentence prediction."""

    def __init__(self, vocab, hidden, layers, heads, intermediate, positions=512):
        super().__init__()
        self.bert = Bert(vocab, hidden, layers, heads, intermediate, positions)
        self.transform = nn.Linear(hidden, hidden)
        self.transform_norm = nn.LayerNorm(hidden, eps=1e-12)
        self.decoder_bias = nn.Parameter(torch.zeros(vocab))
        self.nsp = nn.Linear(hidden, 2)

    def forward(self, input_ids, token_type_ids, attention_mask, mlm_labels, nsp_labels):
        hidden, pooled = self.bert(input_ids, token_type_ids, attention_mask)
        h = self.transform_norm(F.gelu(self.transform(hidden)))
        logits = h @ self.bert.words.weight.t() + self.decoder_bias
        mlm = F.cross_entropy(logits.view(-1, logits.shape[-1]), mlm_labels.view(-1), ignore_index=-100)
        return mlm + F.cross_entropy(self.nsp(pooled), nsp_labels)


def blas_in_use():
    """The BLAS library this process mapped: Debian's torch takes whichever libblas.so.3 the system
    alternatives name, and the reference BLAS is far slower than OpenBLAS, so the figure says which."""
    with open("/proc/self/maps") as maps:
        mapped = maps.read()
    if "openblas" in mapped:
        return "openblas"
    return "reference" if re.search(r"/libblas\.so", mapped) else "unknown"
