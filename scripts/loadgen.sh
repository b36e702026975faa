#!/usr/bin/env bash
# The load generator (bench/src/main/java/io/rtprelay/bench/load): drives an ng-controlled relay with N calls of RTP
# on loopback and reports delivered rate, loss, latency and the relay's CPU per packet. Builds bench first if needed.
#   scripts/loadgen.sh --ng 127.0.0.1:2223 --calls 1000 --rate 50 --duration 20 --relay-pid "$(pgrep -o rtpengine)"
#   scripts/loadgen.sh --help
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=scripts/java-env.sh
. "$here/scripts/java-env.sh"
use_jdk25
jar="$here/bench/target/benchmarks.jar"
build_if_stale "$jar" bench
# shellcheck disable=SC2046
exec "$JAVA_HOME/bin/java" $(cat "$here/control/target/jvm.options") \
    -cp "$jar" io.rtprelay.bench.load.LoadGenerator "$@"
