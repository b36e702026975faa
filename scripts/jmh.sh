#!/usr/bin/env bash
# JMH benchmarks (bench/src/main/java/io/rtprelay/bench/jmh) from bench/target/benchmarks.jar, with the relay's JVM
# flags (the forks inherit them). Builds bench first if needed. Arguments go to JMH, e.g.
#   scripts/jmh.sh -f 1 -wi 2 -i 3 -w 1s -r 1s -prof gc            # every benchmark, short, with allocation
#   scripts/jmh.sh ForwardBenchmark -prof gc
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=scripts/java-env.sh
. "$here/scripts/java-env.sh"
use_jdk25
jar="$here/bench/target/benchmarks.jar"
build_if_stale "$jar" bench
# shellcheck disable=SC2046
exec "$JAVA_HOME/bin/java" $(cat "$here/control/target/jvm.options") -jar "$jar" "$@"
