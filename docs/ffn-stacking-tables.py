#!/usr/bin/env python3
"""The per-seed tables and t-tests of docs/ffn-stacking.md, from a fixed-strategy study's CSV export.

    ./sublayer export runs/ffn-stacking-long --format csv --out long.csv
    python3 docs/ffn-stacking-tables.py long.csv [baseline-label]      (needs scipy)

Prints, for the top rung: per layout the bits/byte per seed (seeds in numeric order), mean ± sample std,
answer/next-byte accuracy, steps, best ms/step and final training losses; then every layout against the
baseline (default interleaved): Welch's two-sided t-test and the paired-by-seed t-test (df = seeds - 1).
"""
import csv, sys, statistics as st
from collections import defaultdict
from scipy import stats

path = sys.argv[1]
base = sys.argv[2] if len(sys.argv) > 2 else "interleaved"
rows = [r for r in csv.DictReader(open(path)) if r["status"] == "completed"]
top = max(int(r["rung"]) for r in rows)
by = defaultdict(dict)
info = defaultdict(list)
for r in rows:
    if not r["strategy"].startswith("layout:") or int(r["rung"]) != top:
        continue
    lab = r["strategy"][7:]
    by[lab][r["seed"]] = float(r["valid_bits_per_byte"])
    info[lab].append(r)
order = sorted(by, key=lambda l: st.mean(by[l].values()))
seeds = sorted(by[base], key=int)
print(f"seeds (sorted): {seeds}")
print("| layout | steps | bits/byte per seed | mean ± std | accuracy | ms/step | final train loss |")
print("|---|---:|---|---|---|---:|---|")
for l in order:
    v = [by[l][s] for s in seeds]
    rs = sorted(info[l], key=lambda r: int(r["seed"]))
    acc = st.mean(float(r["valid_accuracy"]) for r in rs)
    steps = st.mean(int(r["steps"]) for r in rs)
    tsec = st.mean(float(r["train_seconds"]) for r in rs)
    tps = st.mean(float(r["tokens_per_second"]) for r in rs)
    ftl = ", ".join("%.2f" % float(r["final_train_loss"]) for r in rs)
    pv = ", ".join("%.3f" % x for x in v)
    ms = min(1000 * float(r["train_seconds"]) / int(r["steps"]) for r in rs)
    print(f"| {l} | {steps:.0f} | {pv} | {st.mean(v):.3f} ± {st.stdev(v):.3f} | {acc*100:.1f}% | {ms:.0f} | {ftl} |")
print()
print("| layout | Welch Δ ± s.e. | Welch p | Δ per seed | paired mean Δ ± s.e. | paired t | paired p |")
print("|---|---:|---:|---|---:|---:|---:|")
b = [by[base][s] for s in seeds]
for l in order:
    if l == base:
        continue
    v = [by[l][s] for s in seeds]
    w = stats.ttest_ind(v, b, equal_var=False)
    d = [x - y for x, y in zip(v, b)]
    se_w = (st.variance(v) / len(v) + st.variance(b) / len(b)) ** 0.5
    p = stats.ttest_rel(v, b)
    se_p = st.stdev(d) / len(d) ** 0.5
    print(f"| {l} | {st.mean(v)-st.mean(b):+.3f} ± {se_w:.3f} | {w.pvalue:.3f} | {', '.join(f'{x:+.3f}' for x in d)} | "
          f"{st.mean(d):+.3f} ± {se_p:.3f} | {p.statistic:+.2f} | {p.pvalue:.3f} |")
