#!/usr/bin/env bash
# JMH benchmarks (bench/src/main/java/io/rtprelay/bench/jmh) from bench/target/benchmarks.jar, with the relay's JVM
# flags (the forks inherit them). Builds bench first if needed. Arguments go to JMH, e.g.
#   scripts/jmh.sh -f 1 -wi 2 -i 3 -w 1s -r 1s -prof gc            # every benchmark, short, with allocation
#   scripts/jmh.sh ForwardBenchmark -prof gc
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
if [ ! -x "$JAVA_HOME/bin/java" ] || ! "$JAVA_HOME/bin/java" -version 2>&1 | grep -q 'version "2[5-9]'; then
    export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
fi
jar="$here/bench/target/benchmarks.jar"
if [ ! -f "$jar" ] || [ -n "$(find "$here" -path '*/src/main/*' -newer "$jar" -print -quit)" ]; then
    (cd "$here" && ./mvnw -B -q -pl bench -am package -DskipTests >&2)
fi
# shellcheck disable=SC2046
exec "$JAVA_HOME/bin/java" $(cat "$here/control/target/jvm.options") -jar "$jar" "$@"
