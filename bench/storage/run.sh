#!/usr/bin/env bash
# Storage benchmark: writes N trials with 50-point learning curves into a new study (one commit per trial),
# closes it, reopens it, reads everything back, compacts it; prints the figures on stdout.
#
#   bench/storage/run.sh [trials=100000] [COMMIT|SYNC|BOTH=BOTH] [scratch-dir=${TMPDIR:-/tmp}]
#
# Builds the storage module's test classes with Maven (offline if the dependencies are in ~/.m2).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TRIALS="${1:-100000}"
MODE="${2:-BOTH}"
SCRATCH="${3:-${TMPDIR:-/tmp}}"
# shellcheck source=../../bin/jdk.sh
source "$ROOT/bin/jdk.sh"
sublayer_find_java || exit 2
sublayer_require_maven || exit 2
OFFLINE=()
[[ -d "$HOME/.m2/repository/com/h2database/h2-mvstore" ]] && OFFLINE=(-o)
mvn -q -B "${OFFLINE[@]}" -f "$ROOT/pom.xml" -pl storage -am test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test >&2
CP="$ROOT/storage/target/test-classes:$ROOT/storage/target/classes:$(cat "$ROOT/storage/target/bench-classpath.txt")"
modes=("$MODE")
[[ "$MODE" == BOTH ]] && modes=(COMMIT SYNC)
for m in "${modes[@]}"; do
  "$JAVA" -Xmx3g -cp "$CP" dev.sublayer.storage.bench.StoreBench "$SCRATCH" "$TRIALS" "$m"
  echo
done
