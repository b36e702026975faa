#!/usr/bin/env bash
# Installs the Debian packages the test suite starts for real: nats-server, Kamailio with its rtpengine module,
# SIPp, the rtpengine ng client and Perl modules, and the rtpengine daemon we compare against.
# libjson-perl: rtpengine-utils' NGCP::Rtpengine says "use JSON" but the package does not depend on it.
# gcc, libc6-dev, libsrtp2-dev: the SRTP tests compile a small C helper against libsrtp2 (an independent SRTP
# implementation to cross-check ours), and bench/srtp-compare.sh a C benchmark.
# openssl: the DTLS-SRTP tests run openssl s_server/s_client -dtls1_2 -use_srtp as the independent peer (in Debian's
# base, listed so a slim image gets it).
# curl: the deploy tests run the node-address init container's script.
# tshark: the recording tests read the pcap files the relay writes (wireshark-common is told not to install
# dumpcap setuid, so its debconf question does not stop a noninteractive install).
# clang, llvm, libbpf-dev: native/ compiles its eBPF program (clang -target bpf, libbpf's headers) during the build;
# libbpf1 (pulled in by libbpf-dev) is what KernelPath calls at run time; bpftool to inspect loaded programs and maps.
# python3: the kernel path's namespace tests turn off a veth's checksum offload with it (no ethtool needed).
# Run as root (or through sudo). Services are not started by the packages: the tests start what they need.
set -euo pipefail
if [ "$(id -u)" -ne 0 ]; then
    exec sudo "$0" "$@"
fi
packages=(kamailio rtpengine-daemon rtpengine-utils libjson-perl sip-tester nats-server iproute2 procps curl
    gcc libc6-dev libsrtp2-dev tshark openssl clang llvm libbpf-dev libbpf1 bpftool python3)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    # Keep the packages' init scripts from starting daemons (kamailio, rtpengine, nats) on this machine.
    policy=/usr/sbin/policy-rc.d
    created_policy=0
    if [ ! -e "$policy" ]; then
        printf '#!/bin/sh\nexit 101\n' > "$policy"
        chmod +x "$policy"
        created_policy=1
    fi
    export DEBIAN_FRONTEND=noninteractive
    echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
    apt-get update -q
    apt-get install -y -q --no-install-recommends "${missing[@]}"
    if [ "$created_policy" = 1 ]; then
        rm -f "$policy"
    fi
fi
