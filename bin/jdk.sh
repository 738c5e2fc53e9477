# Sourced by ./sublayer, ./run-tests and .ci/run: finds a JDK >= 25 and sets
# JAVA (the java binary), JAVA_MAJOR and JAVA_HOME. Order: JAVA_HOME, java on
# PATH, then the newest JDK under /usr/lib/jvm.
SUBLAYER_MIN_JAVA=25

sublayer_java_major() {
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -1
}

sublayer_find_java() {
  local c m
  for c in "${JAVA_HOME:+$JAVA_HOME/bin/java}" "$(command -v java 2>/dev/null)"; do
    [[ -n "$c" && -x "$c" ]] || continue
    m="$(sublayer_java_major "$c")"
    if [[ -n "$m" ]] && (( m >= SUBLAYER_MIN_JAVA )); then
      JAVA="$c"; JAVA_MAJOR="$m"
      break
    fi
  done
  if [[ -z "${JAVA:-}" ]]; then
    local best_major=0 d
    for d in /usr/lib/jvm/*/; do
      c="${d}bin/java"
      [[ -x "$c" ]] || continue
      m="$(sublayer_java_major "$c")"
      if [[ -n "$m" ]] && (( m >= SUBLAYER_MIN_JAVA && m > best_major )); then
        JAVA="$c"; JAVA_MAJOR="$m"; best_major="$m"
      fi
    done
  fi
  if [[ -z "${JAVA:-}" ]]; then
    echo "sublayer: no JDK $SUBLAYER_MIN_JAVA or newer found (checked JAVA_HOME, java on PATH, /usr/lib/jvm/*); install one (e.g. Temurin 25 from adoptium.net, or 'apt-get install openjdk-25-jdk-headless' where the distribution has it) and set JAVA_HOME" >&2
    return 2
  fi
  JAVA_HOME="$(dirname "$(dirname "$(readlink -f "$JAVA")")")"
  export JAVA_HOME JAVA JAVA_MAJOR
  # Maven itself runs on this JDK; JDK 24+ warns about Maven's own use of Unsafe.
  if (( JAVA_MAJOR >= 24 )); then
    export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
  fi
}

sublayer_require_maven() {
  if ! command -v mvn >/dev/null 2>&1; then
    echo "sublayer: Maven (mvn) is needed to build Sublayer; install it (e.g. 'apt-get install maven')" >&2
    return 2
  fi
}
