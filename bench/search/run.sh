#!/usr/bin/env bash
# Search benchmarks (figures in bench/README.md, section "Search"):
#
#   bench/search/run.sh overhead   [trial-seconds=1] [generations=8] [workers=1,2,8]
#       framework overhead per trial with stub worker JVMs that sleep a fixed time per trial
#   bench/search/run.sh strategies [trials=200] [seeds=5] [config=studies/quickstart.yaml]
#       hypervolume after N trials, NSGA-II vs regularized evolution vs random search, surrogate objective
#
# Builds the search module's test classes with Maven (offline when the dependencies are in ~/.m2).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
WHAT="${1:-}"
shift || true
# shellcheck source=../../bin/jdk.sh
source "$ROOT/bin/jdk.sh"
sublayer_find_java || exit 2
sublayer_require_maven || exit 2
case "$WHAT" in
  overhead) MAIN=dev.sublayer.search.bench.OverheadBench ;;
  strategies) MAIN=dev.sublayer.search.bench.StrategyBench ;;
  *) echo "usage: bench/search/run.sh overhead|strategies [args...]" >&2; exit 2 ;;
esac
OFFLINE=()
[[ -d "$HOME/.m2/repository/io/jenetics" ]] && OFFLINE=(-o)
mvn -q -B "${OFFLINE[@]}" -f "$ROOT/pom.xml" -pl search -am test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test >&2
CP="$ROOT/search/target/test-classes:$ROOT/search/target/classes:$(cat "$ROOT/search/target/bench-classpath.txt")"
FLAGS=(--enable-native-access=ALL-UNNAMED -Xss4m -Xmx1g -Dlog4j2.level=warn)
(( JAVA_MAJOR >= 24 )) && FLAGS+=(--sun-misc-unsafe-memory-access=allow)
cd "$ROOT"
exec "$JAVA" "${FLAGS[@]}" -cp "$CP" "$MAIN" "$@"
