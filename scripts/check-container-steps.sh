#!/usr/bin/env bash
# Runs the Dockerfile's steps by hand, without a Docker engine, and checks what the image would do:
#   1. build with the Maven wrapper (as the build stage does; SKIP_BUILD=1 reuses control/target);
#   2. jdeps + jlink a JRE from the Temurin 25 JDK, with the Dockerfile's module list and options;
#   3. lay out /opt/jre and /opt/rtprelay as the image does (under $WORK instead of /);
#   4. the AOT training run (-XX:AOTCacheOutput) with the flags of control/target/jvm.options as a java @argfile;
#   5. start the relay from the jlink'd JRE with the image's ENTRYPOINT (the cache required: -XX:AOTMode=on fails
#      the start if the cache cannot be used), as the non-root user 65532 when run as root, from the image's
#      config file with the ports moved to free ones;
#   6. the HEALTHCHECK command (HttpProbe on /healthz), /ping, /readyz, /metrics; the preStop command
#      (HttpProbe --post /drain): with no live call the relay exits 0; SIGTERM: the same;
#   7. the start time (launch to the 'rtprelay ready' log line) with and without the AOT cache.
# Prints one "check-container-steps: N passed, 0 failed" line at the end; exits non-zero at the first failure.
# Loopback only. Usage: scripts/check-container-steps.sh   (env: JAVA_HOME, SKIP_BUILD=1, WORK=dir, MVN_ARGS)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
jdk="$JAVA_HOME"
work="${WORK:-$root/target/container-check}"
jre="$work/opt/jre"
app="$work/opt/rtprelay"
passed=0
relay_pid=""

say() { printf 'check-container-steps: %s\n' "$*" >&2; }
pass() { passed=$((passed + 1)); say "ok: $*"; }
fail() { say "FAILED: $*"; say "$passed passed, 1 failed"; exit 1; }
cleanup() {
    if [ -n "$relay_pid" ] && kill -0 "$relay_pid" 2>/dev/null; then
        kill "$relay_pid" 2>/dev/null || true
    fi
}
trap cleanup EXIT

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# 1. build
if [ "${SKIP_BUILD:-0}" != 1 ]; then
    say "building: ./mvnw -B package -DskipTests -pl control -am ${MVN_ARGS:-}"
    # shellcheck disable=SC2086
    (cd "$root" && ./mvnw -B -ntp -q package -DskipTests -pl control -am ${MVN_ARGS:-})
fi
[ -f "$root/control/target/rtprelay.jar" ] && [ -f "$root/control/target/jvm.options" ] \
    || fail "control/target/rtprelay.jar or jvm.options missing: build first"
pass "build outputs: control/target/rtprelay.jar, lib/ ($(ls "$root/control/target/lib" | wc -l) jars), jvm.options"

# 2. jdeps + jlink, as in the Dockerfile
rm -rf "$work"
mkdir -p "$app"
modules="$("$jdk/bin/jdeps" --ignore-missing-deps --multi-release 25 --print-module-deps \
    --class-path "$root/control/target/lib/*" "$root/control/target/rtprelay.jar")"
say "jdeps: $modules"
"$jdk/bin/jlink" --add-modules "${modules},jdk.unsupported,jdk.management,jdk.crypto.ec,jdk.net" \
    --strip-debug --no-man-pages --no-header-files --output "$jre" >/dev/null
"$jre/bin/java" -version 2>&1 | head -1 | grep -q '"25' || fail "the jlink'd java does not run"
for m in jdk.httpserver jdk.unsupported jdk.management java.management; do
    "$jre/bin/java" --list-modules | grep -q "^$m@" || fail "module $m missing from the JRE"
done
pass "jlink'd JRE: $(du -sh "$jre" | cut -f1), modules: $("$jre/bin/java" --list-modules | cut -d@ -f1 | tr '\n' ' ')"

# 3. layout
cp "$root/control/target/rtprelay.jar" "$root/control/target/jvm.options" "$app/"
cp -r "$root/control/target/lib" "$app/lib"
conf="$work/etc/rtprelay/rtprelay.conf"
mkdir -p "$(dirname "$conf")"
cp "$root/deploy/container/rtprelay.conf" "$conf"
say "jvm.options: $(cat "$app/jvm.options")"

# 4. AOT training run
train_ports=$(( 31000 + RANDOM % 2000 * 2 ))
( cd "$work" && "$jre/bin/java" "@$app/jvm.options" -XX:AOTCacheOutput="$app/rtprelay.aot" \
    -cp "$app/rtprelay.jar" io.rtprelay.control.lifecycle.AotTraining \
    --port-min=$train_ports --port-max=$((train_ports + 199)) ) > "$work/training.log" 2>&1 \
    || { cat "$work/training.log" >&2; fail "AOT training run"; }
grep -q 'AOT training: 20 calls, 2000 packets relayed' "$work/training.log" \
    || { cat "$work/training.log" >&2; fail "training workload did not relay its 2000 packets"; }
[ -s "$app/rtprelay.aot" ] || fail "no AOT cache written"
pass "AOT training: 20 calls, 2000 packets relayed; cache $(du -h "$app/rtprelay.aot" | cut -f1)"

# 5. start the relay as the image's ENTRYPOINT does
as_user=()
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
    as_user=(setpriv --reuid=65532 --regid=65532 --clear-groups)
    chmod -R a+rX "$work"
fi
start_relay() { # $1: extra JVM flag for the cache (or none); sets relay_pid, http
    local cache_flags=("$@")
    http=$(free_port)
    ng=$(free_port)
    media=$(( 33000 + RANDOM % 2000 * 2 ))
    "${as_user[@]}" "$jre/bin/java" "@$app/jvm.options" "${cache_flags[@]}" -jar "$app/rtprelay.jar" \
        --config-file="$conf" --interface=127.0.0.1 --listen-ng="127.0.0.1:$ng" --listen-http="127.0.0.1:$http" \
        --port-min=$media --port-max=$((media + 199)) > "$work/relay.log" 2>&1 &
    relay_pid=$!
}
await_healthz() { # prints the milliseconds until /healthz answered 200
    local t0 t1
    t0=$(date +%s%N)
    for _ in $(seq 1 300); do
        if curl -fsS -o /dev/null "http://127.0.0.1:$http/healthz" 2>/dev/null; then
            t1=$(date +%s%N)
            echo $(( (t1 - t0) / 1000000 ))
            return 0
        fi
        kill -0 "$relay_pid" 2>/dev/null || { cat "$work/relay.log" >&2; return 1; }
        sleep 0.05
    done
    return 1
}
await_exit() { # $1: expected status, $2: what for; waits up to 10 s for the relay to exit by itself
    local status
    for _ in $(seq 1 100); do
        kill -0 "$relay_pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$relay_pid" 2>/dev/null; then
        return 1
    fi
    status=0
    wait "$relay_pid" || status=$?
    relay_pid=""
    say "the relay exited with status $status $2"
    [ "$status" = "$1" ]
}
stop_relay() {
    kill -TERM "$relay_pid"
    for _ in $(seq 1 100); do
        kill -0 "$relay_pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$relay_pid" 2>/dev/null; then
        fail "the relay did not exit within 10 s of SIGTERM"
    fi
    wait "$relay_pid" 2>/dev/null || true
    relay_pid=""
}

start_relay -XX:AOTCache="$app/rtprelay.aot" -XX:AOTMode=on
with_cache_ms=$(await_healthz) || fail "the relay did not serve /healthz (AOTMode=on: the cache must be usable)"
if [ ${#as_user[@]} -gt 0 ]; then
    owner=$(ps -o uid= -p "$relay_pid" | tr -d ' ')
    [ "$owner" = 65532 ] || fail "the relay runs as uid $owner, not 65532"
    pass "runs as the non-root uid 65532"
fi
pass "started from the jlink'd JRE with the AOT cache required (-XX:AOTMode=on), /healthz in ${with_cache_ms} ms"
grep -q '"formattedMessage":"rtprelay ready' "$work/relay.log" || fail "no JSON 'ready' line (log-format=json)"
pass "logs are JSON lines (the image's log-format=json)"

# 6. the HEALTHCHECK and preStop commands, and the endpoints
probe=("$jre/bin/java" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx16m -cp "$app/rtprelay.jar"
    io.rtprelay.control.http.HttpProbe)
"${probe[@]}" "http://127.0.0.1:$http/healthz" || fail "HEALTHCHECK command (HttpProbe /healthz)"
pass "HEALTHCHECK command exits 0"
[ "$(curl -fsS "http://127.0.0.1:$http/ping")" = pong ] || fail "/ping"
[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$http/readyz")" = 200 ] || fail "/readyz before drain"
curl -fsS "http://127.0.0.1:$http/metrics" | grep -q '^rtpengine_sessions{type="own"} 0.0$' || fail "/metrics"
pass "/ping pong, /readyz 200, /metrics has rtpengine_sessions"
# with no live call the drain ends at once: the relay stops by itself and exits 0
"${probe[@]}" --post "http://127.0.0.1:$http/drain" || fail "preStop command (HttpProbe --post /drain)"
await_exit 0 "after the drain" || fail "the relay did not exit 0 after draining (no live calls)"
grep -q 'draining (asked by http)' "$work/relay.log" || fail "no 'draining (asked by http)' in the log"
pass "preStop command drains; with no live call the relay exits 0"
start_relay -XX:AOTCache="$app/rtprelay.aot" -XX:AOTMode=on
await_healthz > /dev/null || fail "the relay did not start again"
kill -TERM "$relay_pid"
await_exit 0 "after SIGTERM" || fail "the relay did not exit 0 after SIGTERM"
grep -q 'draining (asked by SIGTERM)' "$work/relay.log" || fail "SIGTERM did not start the drain"
pass "SIGTERM drains; with no live call the relay exits 0"

# 7. start time with and without the cache: launch to the "rtprelay ready" log line, three times each, alternating
time_to_ready() { # $@: cache flags; prints milliseconds
    local t0 t1
    t0=$(date +%s%N)
    start_relay "$@"
    for _ in $(seq 1 1000); do
        grep -q 'rtprelay ready' "$work/relay.log" 2>/dev/null && break
        kill -0 "$relay_pid" 2>/dev/null || { cat "$work/relay.log" >&2; return 1; }
        sleep 0.01
    done
    t1=$(date +%s%N)
    stop_relay
    echo $(( (t1 - t0) / 1000000 ))
}
with=()
without=()
for _ in 1 2 3; do
    with+=("$(time_to_ready -XX:AOTCache="$app/rtprelay.aot" -XX:AOTMode=on)") || fail "start with the cache"
    without+=("$(time_to_ready)") || fail "start without the cache"
done
say "launch to 'rtprelay ready': ${with[*]} ms with the AOT cache, ${without[*]} ms without"
say "image payload: JRE $(du -sh "$jre" | cut -f1), app $(du -sh --exclude=rtprelay.aot "$app" | cut -f1)," \
    "AOT cache $(du -h "$app/rtprelay.aot" | cut -f1)"
say "$passed passed, 0 failed"
