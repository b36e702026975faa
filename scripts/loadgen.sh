#!/usr/bin/env bash
# The load generator (bench/src/main/java/io/rtprelay/bench/load): drives an ng-controlled relay with N calls of RTP
# on loopback and reports delivered rate, loss, latency and the relay's CPU per packet. Builds bench first if needed.
#   scripts/loadgen.sh --ng 127.0.0.1:2223 --calls 1000 --rate 50 --duration 20 --relay-pid "$(pgrep -o rtpengine)"
#   scripts/loadgen.sh --help
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
exec "$JAVA_HOME/bin/java" $(cat "$here/control/target/jvm.options") \
    -cp "$jar" io.rtprelay.bench.load.LoadGenerator "$@"
