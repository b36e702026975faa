#!/usr/bin/env bash
# Runs our relay and the real rtpengine (userspace, --table=-1) one after the other under the same load from the
# load generator (scripts/loadgen.sh), at 100, 500, 1000 and 2000 calls, then searches each one's maximum calls at
# < 0.1 % loss (bounded), and prints a Markdown table: delivered rate, loss, latency, CPU us per forwarded packet,
# RSS, and the ratio rtpengine/ours. Everything on loopback; each relay gets its own ng port and port range.
#
#   scripts/bench-side-by-side.sh                 # the full comparison (about 15-25 minutes)
#   scripts/bench-side-by-side.sh --quick         # 100 and 500 calls, short windows, a short search
#   options: --steps "100 500 1000 2000" --warmup S --duration S --relay-threads N --gen-threads N
#            --only ours|rtpengine --no-search --no-baseline --search-cap CALLS --ours-opts "--transport=epoll"
#            --jvm-opts "-XX:..." --out FILE (the Markdown table, also printed)
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
if [ ! -x "$JAVA_HOME/bin/java" ] || ! "$JAVA_HOME/bin/java" -version 2>&1 | grep -q 'version "2[5-9]'; then
    export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
fi

args="$*"
steps="100 500 1000 2000"
warmup=5
duration=15
relay_threads=2
gen_threads=1
only=""
search=1
search_cap=4500          # 4 sockets per call: the 20000-descriptor limit of this machine's processes
ours_opts=""
jvm_opts=""
out=""
loss_limit=0.1           # per cent
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) steps="100 500"; warmup=2; duration=5; search_cap=3000 ;;
        --steps) steps="$2"; shift ;;
        --warmup) warmup="$2"; shift ;;
        --duration) duration="$2"; shift ;;
        --relay-threads) relay_threads="$2"; shift ;;
        --gen-threads) gen_threads="$2"; shift ;;
        --only) only="$2"; shift ;;
        --no-search) search=0 ;;
        --no-baseline) baseline=0 ;;
        --search-cap) search_cap="$2"; shift ;;
        --ours-opts) ours_opts="$2"; shift ;;
        --jvm-opts) jvm_opts="$2"; shift ;;
        --out) out="$2"; shift ;;
        -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
    shift
done

port_min=40000
port_max=59999
logs="$here/bench/target/side-by-side"
mkdir -p "$logs"
(cd "$here" && ./mvnw -B -q -pl bench -am package -DskipTests >&2)
jar="$here/control/target/rtprelay.jar"
gen="$here/bench/target/benchmarks.jar"

free_udp_port() {
    python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_udp_bound() { # port pid
    for _ in $(seq 1 200); do
        if ss -Huln "sport = :$1" | grep -q .; then return 0; fi
        if ! kill -0 "$2" 2>/dev/null; then return 1; fi
        sleep 0.1
    done
    return 1
}

relay_pid=""
stop_relay() {
    if [ -n "$relay_pid" ] && kill -0 "$relay_pid" 2>/dev/null; then
        kill -TERM "$relay_pid" 2>/dev/null || true
        for _ in $(seq 1 100); do kill -0 "$relay_pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$relay_pid" 2>/dev/null || true
    fi
    relay_pid=""
}
trap stop_relay EXIT

start_relay() { # name ngport
    local name=$1 ng=$2
    if [ "$name" = ours ]; then
        # shellcheck disable=SC2046,SC2086
        "$JAVA_HOME/bin/java" $(cat "$here/control/target/jvm.options") $jvm_opts -jar "$jar" \
            --interface=127.0.0.1 --listen-ng="127.0.0.1:$ng" --port-min=$port_min --port-max=$port_max \
            --num-threads="$relay_threads" --delete-delay=0 --log-level=5 $ours_opts \
            >"$logs/ours.log" 2>&1 &
    else
        /usr/bin/rtpengine --config-file=none --foreground --table=-1 --no-fallback --interface=127.0.0.1 \
            --listen-ng="127.0.0.1:$ng" --port-min=$port_min --port-max=$port_max \
            --num-threads="$relay_threads" --delete-delay=0 --log-stderr --log-level=5 \
            >"$logs/rtpengine.log" 2>&1 &
    fi
    relay_pid=$!
    if ! wait_udp_bound "$ng" "$relay_pid"; then
        echo "$name did not start; see $logs/$name.log" >&2
        exit 1
    fi
}

# run_load name ngport calls -> prints the RESULT line
run_load() {
    local name=$1 ng=$2 calls=$3
    "$JAVA_HOME/bin/java" $(cat "$here/control/target/jvm.options") -cp "$gen" \
        io.rtprelay.bench.load.LoadGenerator --ng "127.0.0.1:$ng" --calls "$calls" --warmup "$warmup" \
        --duration "$duration" --relay-pid "$relay_pid" --threads "$gen_threads" \
        --call-id-prefix "$name-$calls-$RANDOM" 2>>"$logs/loadgen-$name.log" | tee -a "$logs/loadgen-$name.out" \
        | grep '^RESULT' || echo "RESULT failed=true calls=$calls"
}

field() { # line key
    local v
    v=$(tr ' ' '\n' <<<"$1" | awk -F= -v k="$2" '$1==k {print $2}')
    echo "${v:-NA}"
}

lossy() { # RESULT line -> success (0) when the run lost >= the limit, failed, or set up fewer calls
    local loss established calls
    loss=$(field "$1" loss_pct); established=$(field "$1" established); calls=$(field "$1" calls)
    [ "$loss" = NA ] && return 0
    [ "$established" != "$calls" ] && return 0
    awk -v l="$loss" -v m="$loss_limit" 'BEGIN { exit !(l >= m) }'
}

declare -A results
declare -A maxcalls
declare -A maxnote
relays="ours rtpengine"
[ -n "$only" ] && relays="$only"
baseline=1
load_before=$(cat /proc/loadavg)
started=$(date -u +%Y-%m-%dT%H:%MZ)

for name in $relays; do
    ng=$(free_udp_port)
    echo "== $name (ng 127.0.0.1:$ng)" >&2
    start_relay "$name" "$ng"
    # One unreported run first, at the first step: our JVM compiles its hot paths (JIT) there, as a long-running
    # daemon has long done; rtpengine gets the same run.
    first=${steps%% *}
    run_load "$name" "$ng" "$first" >/dev/null
    for calls in $steps; do
        line=$(run_load "$name" "$ng" "$calls")
        results[$name,$calls]="$line"
        echo "$name $calls: $line" >&2
    done
    if [ "$search" = 1 ]; then
        # Bounded search for the most calls at < 0.1 % loss: grow by 1.5x from the largest good step, then
        # bisect the last good/bad interval twice; at most 8 probes, never beyond the descriptor cap. A lossy
        # probe whose loss happened at the generator's own sockets (or with the generator saturated) says the
        # machine ran out before the relay did: the maximum is then marked generator-limited.
        good=0; bad=0; note=""
        for calls in $steps; do
            if lossy "${results[$name,$calls]}"; then
                if [ $bad = 0 ] || [ "$calls" -lt $bad ]; then bad=$calls; fi
            elif [ "$calls" -gt $good ]; then good=$calls; fi
        done
        probes=0
        while [ $bad = 0 ] && [ $probes -lt 6 ]; do
            next=$(( good * 3 / 2 ))
            if [ $next -gt "$search_cap" ]; then next=$search_cap; fi
            if [ $next -le $good ]; then note=" (the cap of $search_cap calls, 4 sockets each, reached)"; break; fi
            line=$(run_load "$name" "$ng" "$next"); probes=$((probes + 1))
            results[$name,$next]="$line"
            echo "$name search $next: $line" >&2
            if lossy "$line"; then bad=$next; else good=$next; fi
        done
        for _ in 1 2; do
            [ $bad = 0 ] && break
            [ $((bad - good)) -le $((good / 10 + 10)) ] && break
            mid=$(( (good + bad) / 2 ))
            line=$(run_load "$name" "$ng" "$mid"); probes=$((probes + 1))
            results[$name,$mid]="$line"
            echo "$name search $mid: $line" >&2
            if lossy "$line"; then bad=$mid; else good=$mid; fi
        done
        if [ $bad != 0 ]; then
            l="${results[$name,$bad]}"
            if [ "$(field "$l" gen_saturated)" = true ] || [ "$(field "$l" gen_drops)" != 0 ]; then
                note=" (generator-limited: at $bad calls the generator saturated or its sockets dropped)"
            else
                note=" (first lossy probe: $bad calls, $(field "$l" loss_pct) % lost, relay sockets dropped $(field "$l" relay_drops))"
            fi
        fi
        maxcalls[$name]=$good
        maxnote[$name]="$note"
    fi
    stop_relay
done
if [ "$baseline" = 1 ]; then
    # The generator's own floor: the same calls with the endpoints sending to each other, no relay.
    for calls in $steps; do
        line=$("$JAVA_HOME/bin/java" $(cat "$here/control/target/jvm.options") -cp "$gen" \
            io.rtprelay.bench.load.LoadGenerator --direct --calls "$calls" --warmup "$warmup" --duration "$duration" \
            --threads "$gen_threads" 2>>"$logs/loadgen-direct.log" | tee -a "$logs/loadgen-direct.out" \
            | grep '^RESULT' || echo "RESULT failed=true calls=$calls")
        results[direct,$calls]="$line"
        echo "direct $calls: $line" >&2
    done
fi
load_after=$(cat /proc/loadavg)

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "NA" || b == "NA" || b + 0 == 0) print "NA"; else printf "%.2f", a / b }'; }

{
    echo "Side by side, $started; $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)),"
    echo "kernel $(uname -r); load average before: $load_before; after: $load_after."
    echo "Command: scripts/bench-side-by-side.sh $args; relay threads $relay_threads, warm-up ${warmup} s, window ${duration} s,"
    echo "50 pps per stream, 160-byte payload, both directions of every call."
    echo
    echo "| calls | relay | delivered pps | loss % | p50 us | p99 us | p99.9 us | CPU us/pkt | relay cores | RSS MB | drops relay/gen | generator |"
    echo "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
    rows="$relays"
    [ "$baseline" = 1 ] && rows="$rows direct"
    for calls in $steps; do
        for name in $rows; do
            l="${results[$name,$calls]:-}"
            printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$calls" "$name" \
                "$(field "$l" delivered_pps)" "$(field "$l" loss_pct)" "$(field "$l" p50_us)" "$(field "$l" p99_us)" \
                "$(field "$l" p999_us)" "$(field "$l" relay_cpu_us_per_pkt)" "$(field "$l" relay_cores)" \
                "$(awk -v k="$(field "$l" relay_rss_kb)" 'BEGIN { if (k == "NA" || k < 0) print "-"; else printf "%.0f", k / 1024 }')" \
                "$(field "$l" relay_drops)/$(field "$l" gen_drops)" \
                "$( [ "$(field "$l" gen_saturated)" = true ] && echo saturated || echo ok)"
        done
    done
    if [ -z "$only" ]; then
        echo
        echo "| calls | CPU us/pkt rtpengine/ours | p99 rtpengine/ours | RSS rtpengine/ours |"
        echo "|---:|---:|---:|---:|"
        for calls in $steps; do
            o="${results[ours,$calls]:-}"; r="${results[rtpengine,$calls]:-}"
            printf '| %s | %s | %s | %s |\n' "$calls" \
                "$(ratio "$(field "$r" relay_cpu_us_per_pkt)" "$(field "$o" relay_cpu_us_per_pkt)")" \
                "$(ratio "$(field "$r" p99_us)" "$(field "$o" p99_us)")" \
                "$(ratio "$(field "$r" relay_rss_kb)" "$(field "$o" relay_rss_kb)")"
        done
    fi
    if [ "$search" = 1 ]; then
        echo
        for name in $relays; do
            echo "Maximum calls at < ${loss_limit} % loss, $name: ${maxcalls[$name]}${maxnote[$name]}"
        done
    fi
    echo
    [ "$baseline" = 1 ] && echo "Rows 'direct': no relay, the endpoints send to each other (the generator's own floor)."
    echo "Raw RESULT lines: $logs/loadgen-*.out"
} | tee ${out:+"$out"}
