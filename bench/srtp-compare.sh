#!/usr/bin/env bash
# Our SRTP against Debian's libsrtp2 on this machine, in one run: packets per second of protect and unprotect per
# suite, one RTP packet of 160 payload bytes per operation, one thread each (bench/libsrtp/srtp_bench.c and the JMH
# io.rtprelay.bench.jmh.SrtpBenchmark), and JMH's allocation per operation (-prof gc). Results land in
# bench/target/srtp-compare/ and a table is printed; docs/SRTP.md records a run.
# Needs gcc and libsrtp2-dev (scripts/install-deps.sh). Environment: LIBSRTP_SECONDS (per measurement, default 3),
# JMH_ARGS (default: short runs, the machine is shared), MVN_FLAGS (default -o: offline).
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
out=bench/target/srtp-compare
libsrtp_seconds=${LIBSRTP_SECONDS:-3}
jmh_args=${JMH_ARGS:--f 1 -wi 2 -i 3 -w 1s -r 1s}
mkdir -p "$out"

gcc -O2 -Wall -Wextra -Werror -o "$out/srtp_bench" bench/libsrtp/srtp_bench.c -lsrtp2
# -am: the sibling modules come from this tree, never from ~/.m2.
./mvnw -B -q ${MVN_FLAGS:--o} -pl bench -am package dependency:build-classpath -DskipTests \
    -Dmdep.outputFile=target/classpath.txt

{
    echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "machine: $(nproc) cores,$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2), load average $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "java: $("$JAVA_HOME/bin/java" -version 2>&1 | head -1)"
    echo "libsrtp2: $(dpkg-query -W -f='${Version}' libsrtp2-1 2>/dev/null || echo unknown)"
} | tee "$out/machine.txt"

"$out/srtp_bench" "$libsrtp_seconds" 160 | tee "$out/libsrtp.txt"
# shellcheck disable=SC2086
"$JAVA_HOME/bin/java" -cp "bench/target/classes:$(cat bench/target/classpath.txt)" org.openjdk.jmh.Main \
    'SrtpBenchmark\.(protect|unprotect)$' -p payload=160 $jmh_args -prof gc -rf csv -rff "$out/jmh.csv" \
    > "$out/jmh.txt"

echo
printf '%-24s %-10s %14s %14s %8s %10s\n' suite operation "rtprelay pps" "libsrtp2 pps" ratio "B/op"
awk -F, -v LIBSRTP="$out/libsrtp.txt" '
    FNR == 1 { next }
    {
        for (i = 1; i <= NF; i++) { gsub(/["\r]/, "", $i) }
        op = $1
        sub(/.*SrtpBenchmark\./, "", op)
        sub(/:.*/, "", op)
        key = $NF " " op
        if ($1 ~ /gc.alloc.rate.norm$/) { bop[key] = $5 } else if ($1 !~ /:/) { pps[key] = $5; keys[key] = 1 }
    }
    END {
        while ((getline line < LIBSRTP) > 0) { split(line, f, " "); lib[f[2] " " f[3]] = f[4] }
        for (k in keys) {
            split(k, p, " ")
            ratio = lib[k] > 0 ? sprintf("%.2f", pps[k] / lib[k]) : "-"
            printf "%-24s %-10s %14.0f %14.0f %8s %10.3f\n", p[1], p[2], pps[k], lib[k], ratio, bop[k]
        }
    }' "$out/jmh.csv" | sort | tee "$out/table.txt"
