#!/usr/bin/env bash
# The live fuzzer (bench/src/main/java/io/rtprelay/bench/fuzz): mutated ng datagrams and media packets against a
# running relay with live calls, loopback only; exits non-zero when a check failed. Builds bench first if needed.
#   scripts/livefuzz.sh --ng 127.0.0.1:2223 --http 127.0.0.1:9101 --port-min 30000 --port-max 30399
#   scripts/livefuzz.sh --relay [--ng-datagrams N --media-packets N ...]   also starts our relay for the run
#   scripts/livefuzz.sh --help
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=scripts/java-env.sh
. "$here/scripts/java-env.sh"
use_jdk25
jar="$here/bench/target/benchmarks.jar"
build_if_stale "$jar" bench
jvm=$(cat "$here/control/target/jvm.options")
if [ "${1:-}" = "--relay" ]; then
    shift
    ng=$((20000 + RANDOM % 5000)); http=$((25000 + RANDOM % 5000)); min=$((30000 + 2 * (RANDOM % 2000)))
    # shellcheck disable=SC2086
    "$JAVA_HOME/bin/java" $jvm -cp "$jar" io.rtprelay.control.lifecycle.RelayDaemon --interface=127.0.0.1 \
        --listen-ng=127.0.0.1:$ng --listen-http=127.0.0.1:$http --port-min=$min --port-max=$((min + 399)) \
        --log-level=4 >"${LIVEFUZZ_RELAY_LOG:-/tmp/livefuzz-relay.log}" 2>&1 &
    relay=$!
    trap 'kill "$relay" 2>/dev/null; wait "$relay" 2>/dev/null || true' EXIT
    for _ in $(seq 100); do
        curl -sf "http://127.0.0.1:$http/healthz" >/dev/null 2>&1 && break
        sleep 0.1
    done
    echo "relay pid $relay: ng 127.0.0.1:$ng, http 127.0.0.1:$http, ports $min-$((min + 399)), log ${LIVEFUZZ_RELAY_LOG:-/tmp/livefuzz-relay.log}"
    # shellcheck disable=SC2086
    "$JAVA_HOME/bin/java" $jvm -cp "$jar" io.rtprelay.bench.fuzz.LiveFuzz --ng 127.0.0.1:$ng \
        --http 127.0.0.1:$http --port-min $min --port-max $((min + 399)) "$@"
    exit $?
fi
if [ "${1:-}" = "--help" ]; then
    set -- --help x
fi
# shellcheck disable=SC2086
exec "$JAVA_HOME/bin/java" $jvm -cp "$jar" io.rtprelay.bench.fuzz.LiveFuzz "$@"
