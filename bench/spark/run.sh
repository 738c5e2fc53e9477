#!/usr/bin/env bash
# Spark backend benchmark (figures in bench/README.md, section "Cluster"):
#
#   bench/spark/run.sh [trial-seconds=1] [generations=3] [slots=2,8]
#       per-trial overhead of the Spark backend (local-cluster) against the local pool, with stub worker JVMs
#       that sleep a fixed time per trial, and the worker utilisation each study stored
#
# Builds the spark module's test classes with Maven (offline when the dependencies are in ~/.m2).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=../../bin/jdk.sh
source "$ROOT/bin/jdk.sh"
sublayer_find_java || exit 2
sublayer_require_maven || exit 2
OFFLINE=()
[[ -d "$HOME/.m2/repository/org/apache/spark" ]] && OFFLINE=(-o)
mvn -q -B "${OFFLINE[@]}" -f "$ROOT/pom.xml" -pl spark -am -DskipTests package dependency:build-classpath \
    -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test >&2
CP="$ROOT/spark/target/test-classes:$ROOT/spark/target/classes:$(cat "$ROOT/spark/target/bench-classpath.txt")"
# local-cluster mode starts executor JVMs from SPARK_HOME; the benchmark fills this one from the class path.
export SPARK_HOME="$ROOT/spark/target/spark-home" SPARK_SCALA_VERSION=2.13 SPARK_LOCAL_IP=127.0.0.1
FLAGS=(--enable-native-access=ALL-UNNAMED -Xss4m -Xmx1g -Dlog4j2.level=warn)
(( JAVA_MAJOR >= 24 )) && FLAGS+=(--sun-misc-unsafe-memory-access=allow)
cd "$ROOT"
exec "$JAVA" "${FLAGS[@]}" -cp "$CP" dev.sublayer.spark.bench.ClusterBench "$@"
