#!/usr/bin/env bash
# GPU check of the djl engine: builds the CLI with the djl-cuda profile (PyTorch 2.5.1 + CUDA 12.4 natives,
# DJL 0.33.0; the first build downloads the 2.3 GiB native jar from Maven Central) unless it is built already,
# then trains the reference configuration (d_model 128, 4 heads, context 128, batch 32,
# "A4 F512 A4 F512 A4 F512 A4 F512", Europarl, seed 1) on the first GPU and prints the device, tokens/s and the
# validation loss. Exit 0 only if the trial ran on CUDA and completed.
# Usage: bench/engines/gpu-check.sh [steps] [notation]    (defaults 300 and the reference architecture)
# Needs: an NVIDIA driver for CUDA 12.4 or newer (the natives bring their own CUDA runtime), a JDK 21+, Maven.
# Environment: SUBLAYER_GPU_CHECK_BUILD=0 skips the build (use the jar as it is), SUBLAYER_JAVA_OPTS extra JVM options.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
STEPS="${1:-300}"
NOTATION="${2:-A4 F512 A4 F512 A4 F512 A4 F512}"
source "$ROOT/bin/jdk.sh"
sublayer_find_java >/dev/null || exit 2

command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader >&2 \
  || echo "gpu-check: nvidia-smi not found; continuing (PyTorch decides whether it sees a GPU)" >&2

LIB="$ROOT/cli/target/lib"
if [[ "${SUBLAYER_GPU_CHECK_BUILD:-1}" != 0 ]] && ! ls "$LIB"/pytorch-native-cu124-*.jar >/dev/null 2>&1; then
  echo "gpu-check: building the CLI with -Pdjl-cuda (first time: downloads 2.3 GiB)..." >&2
  (cd "$ROOT" && mvn -q -B -Pdjl-cuda -pl cli -am -DskipTests package)
fi
ls "$LIB"/pytorch-native-cu124-*.jar >/dev/null 2>&1 \
  || { echo "gpu-check: $LIB has no pytorch-native-cu124 jar: build with 'mvn -Pdjl-cuda -pl cli -am -DskipTests package'" >&2; exit 2; }
if ls "$LIB"/pytorch-native-cpu-*.jar >/dev/null 2>&1; then
  echo "gpu-check: $LIB also holds CPU natives from an earlier build: run 'mvn -pl cli clean' and build again" >&2; exit 2
fi

FLAGS=(--enable-native-access=ALL-UNNAMED -Xss4m -Dsublayer.djl.device=gpu)
(( JAVA_MAJOR >= 24 )) && FLAGS+=(--sun-misc-unsafe-memory-access=allow)
OUT="$(mktemp)"
trap 'rm -f "$OUT"' EXIT
# Not through ./sublayer: the launcher rebuilds with the default (CPU) profile whenever sources changed.
# shellcheck disable=SC2086
MKL_DYNAMIC=FALSE "$JAVA" "${FLAGS[@]}" ${SUBLAYER_JAVA_OPTS:-} -jar "$ROOT/cli/target/sublayer.jar" evaluate "$NOTATION" \
  --engine djl --d-model 128 --context 128 --batch 32 --steps "$STEPS" --seed 1 --json > "$OUT"
/usr/bin/env python3 - "$OUT" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print(f"device: {r['device']}\nbackend: {r['backend']}\nstatus: {r['status']}\n"
      f"tokens/s: {r['tokens_per_second']}\nvalid loss after {r['steps']} steps: {r['valid_loss']} nats "
      f"({r['valid_bits_per_byte']} bits/byte)\nbuild s: {r['build_seconds']}, train s: {r['train_seconds']}, "
      f"peak native bytes: {r['peak_native_bytes']}")
sys.exit(0 if r["status"] == "completed" and r["device"].startswith("cuda") else 1)
PY
