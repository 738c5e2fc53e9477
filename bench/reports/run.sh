#!/usr/bin/env bash
# Reports benchmark (bench/README.md, section "Reports"): a report for 10,000 trials must generate in
# <= 5 s and stay under 5 MB. Builds a synthetic 10,000-trial study through the real store, times the
# report in-process (cold and warm), then times the real command end to end: ./sublayer report.
#
# Usage: bench/reports/run.sh [trials=10000] [scratch-dir=/tmp/sublayer-bench-reports]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=../../bin/jdk.sh
source "$ROOT/bin/jdk.sh"
sublayer_find_java || exit 2
sublayer_require_maven || exit 2
TRIALS="${1:-10000}"
SCRATCH="${2:-/tmp/sublayer-bench-reports}"
mkdir -p "$SCRATCH"

echo "reports bench: compiling (mvn -pl reports -am test-compile)..." >&2
mvn -q -B -f "$ROOT/pom.xml" -pl reports -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >&2
CP="$ROOT/reports/target/test-classes:$ROOT/reports/target/classes:$(cat "$ROOT/reports/target/bench.classpath")"

echo "== synthetic study: $TRIALS trials =="
"$JAVA" -cp "$CP" dev.sublayer.reports.ReportBench generate "$SCRATCH" "$TRIALS"
echo "== in-process, fresh JVM =="
"$JAVA" -cp "$CP" dev.sublayer.reports.ReportBench time "$SCRATCH" 5

echo "== end to end: ./sublayer report (JVM start included) =="
"$ROOT/sublayer" --version >/dev/null   # builds the launcher's jar first if needed, outside the timing
for i in 1 2 3; do
  /usr/bin/time -f "run $i: %e s wall, %U s user CPU, %M KB peak RSS" \
    "$ROOT/sublayer" report "$SCRATCH/study" --out "$SCRATCH/report-cli.html" >/dev/null
done 2>&1
echo "load average while measuring: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
ls -l "$SCRATCH/report-cli.html" | awk '{ printf "report-cli.html: %.2f MB\n", $5 / 1e6 }'
