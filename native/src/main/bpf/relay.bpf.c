// SPDX-License-Identifier: (MIT OR GPL-2.0-only)
/*
 * rtprelay's in-kernel forwarding path: a tc ingress (clsact) program that relays the plain RTP/RTCP of a
 * latched stream without waking the relay's userspace.
 *
 * For an Ethernet IPv4 or IPv6 UDP datagram (IPv4 without options or fragments, IPv6 without extension
 * headers) whose destination (address, port) has an entry in `relay_streams`, whose source is exactly the
 * latched endpoint of that entry and whose first payload byte is in RFC 7983's RTP/RTCP range (128..191),
 * the program rewrites source and destination address and port to the entry's (the relay's socket facing the
 * peer, and the peer), sets TOS / traffic class and TTL / hop limit as the relay's socket would, updates the IP
 * and UDP checksums incrementally, counts the datagram in the entry and redirects it to the egress interface.
 * Everything else goes up the stack untouched (TC_ACT_OK), to the relay's socket, which applies its own rules:
 * no entry, another source (the endpoint-learning rules: a foreign source gets nothing from the kernel), STUN,
 * DTLS, anything that is not RTP/RTCP, IP options, fragments, VLAN tags, no route.
 *
 * Map layout (shared with io.rtprelay.kernel.KernelMap; addresses are 16 bytes, IPv4 as ::ffff:a.b.c.d,
 * addresses and ports in network byte order):
 *   key   (20 bytes): local address[16], local port[2], zero[2]
 *   value (88 bytes): source address[16] (the latched endpoint), new source address[16], new destination
 *                     address[16], source port[2], new source port[2], new destination port[2], tos[1],
 *                     ttl[1], egress ifindex[4] (0: bpf_fib_lookup, which needs forwarding on the ingress
 *                     interface; with neither, the packet goes up), flags[4], packets[8], bytes[8] (UDP payload), last seen[8]
 *                     (bpf_ktime_get_ns, CLOCK_MONOTONIC); the program only adds to the last three.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/pkt_cls.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#define AF_INET 2
#define AF_INET6 10

#define RTP_FIRST_MIN 128
#define RTP_FIRST_MAX 191

#define IP4_OFF ETH_HLEN
#define IP4_CSUM_OFF (IP4_OFF + 10)
#define IP4_SADDR_OFF (IP4_OFF + 12)
#define UDP4_OFF (IP4_OFF + (int) sizeof(struct iphdr))
#define IP6_OFF ETH_HLEN
#define IP6_SADDR_OFF (IP6_OFF + 8)
#define UDP6_OFF (IP6_OFF + (int) sizeof(struct ipv6hdr))
#define UDP_CSUM_REL 6

struct relay_key {
	__u8 addr[16];
	__be16 port;
	__u16 zero;
};

struct relay_value {
	__u8 src_addr[16];
	__u8 new_src_addr[16];
	__u8 new_dst_addr[16];
	__be16 src_port;
	__be16 new_src_port;
	__be16 new_dst_port;
	__u8 tos;
	__u8 ttl;
	__u32 ifindex;
	__u32 flags;
	__u64 packets;
	__u64 bytes;
	__u64 last_seen_ns;
};

/* Why a packet went where it went: summed over CPUs by KernelPath.statistics(). */
enum relay_stat {
	STAT_FORWARDED,
	STAT_PASS_NO_ENTRY,
	STAT_PASS_FOREIGN_SOURCE,
	STAT_PASS_NOT_RTP,
	STAT_PASS_UNSUPPORTED,
	STAT_PASS_NO_ROUTE,
	STAT_DROP_REWRITE,
	STAT_COUNT
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, struct relay_key);
	__type(value, struct relay_value);
} relay_streams SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, STAT_COUNT);
	__type(key, __u32);
	__type(value, __u64);
} relay_stats SEC(".maps");

static __always_inline int count(__u32 stat, int verdict)
{
	__u64 *n = bpf_map_lookup_elem(&relay_stats, &stat);

	if (n) {
		*n += 1;
	}
	return verdict;
}

static __always_inline int same16(const __u8 *a, const __u8 *b)
{
	const __u32 *x = (const __u32 *) a;
	const __u32 *y = (const __u32 *) b;

	return ((x[0] ^ y[0]) | (x[1] ^ y[1]) | (x[2] ^ y[2]) | (x[3] ^ y[3])) == 0;
}

static __always_inline void mapped4(__u8 *out, __be32 addr)
{
	__u32 *w = (__u32 *) out;

	w[0] = 0;
	w[1] = 0;
	w[2] = bpf_htonl(0x0000ffff);
	w[3] = addr;
}

static __always_inline __be32 word3(const __u8 *addr)
{
	return ((const __u32 *) addr)[3];
}

/*
 * Egress, decided before anything is rewritten (so a packet without a route still goes up untouched): the entry's
 * interface through the neighbour subsystem, or, with none, the FIB's answer (which needs forwarding enabled on the
 * ingress interface). Returns 0 with *fib filled (fib->ifindex; fib->family == 0 when the neighbour subsystem
 * resolves the next hop, else the MAC addresses to write), or -1.
 */
static __always_inline int route(struct __sk_buff *skb, const struct relay_value *v, int family, __u16 l3_len,
				 struct bpf_fib_lookup *fib)
{
	long rc;

	if (v->ifindex != 0) {
		fib->ifindex = v->ifindex;
		fib->family = 0;
		return 0;
	}
	fib->family = family;
	fib->l4_protocol = IPPROTO_UDP;
	fib->sport = v->new_src_port;
	fib->dport = v->new_dst_port;
	fib->tot_len = l3_len;
	fib->ifindex = skb->ingress_ifindex;
	if (family == AF_INET) {
		fib->ipv4_src = word3(v->new_src_addr);
		fib->ipv4_dst = word3(v->new_dst_addr);
	} else {
		__builtin_memcpy(fib->ipv6_src, v->new_src_addr, 16);
		__builtin_memcpy(fib->ipv6_dst, v->new_dst_addr, 16);
	}
	rc = bpf_fib_lookup(skb, fib, sizeof(*fib), 0);
	if (rc == BPF_FIB_LKUP_RET_SUCCESS) {
		return 0;
	}
	if (rc == BPF_FIB_LKUP_RET_NO_NEIGH) {
		fib->family = 0;
		return 0;
	}
	return -1;
}

static __always_inline int counted_redirect(struct __sk_buff *skb, struct relay_value *v,
					    const struct bpf_fib_lookup *fib, __u16 payload_len)
{
	int verdict;

	if (fib->family == 0) {
		verdict = bpf_redirect_neigh(fib->ifindex, NULL, 0, 0);
	} else if (bpf_skb_store_bytes(skb, 0, fib->dmac, ETH_ALEN, 0) < 0
		   || bpf_skb_store_bytes(skb, ETH_ALEN, fib->smac, ETH_ALEN, 0) < 0) {
		return count(STAT_DROP_REWRITE, TC_ACT_SHOT);
	} else {
		verdict = bpf_redirect(fib->ifindex, 0);
	}
	__sync_fetch_and_add(&v->packets, 1);
	__sync_fetch_and_add(&v->bytes, payload_len);
	v->last_seen_ns = bpf_ktime_get_ns();
	return count(STAT_FORWARDED, verdict);
}

static __always_inline int ports_and_udp_csum(struct __sk_buff *skb, int udp_off, __be16 sport, __be16 dport,
					      const struct relay_value *v, int csum_zero_allowed)
{
	__u64 mangled = csum_zero_allowed ? BPF_F_MARK_MANGLED_0 : 0;

	if (bpf_l4_csum_replace(skb, udp_off + UDP_CSUM_REL, sport, v->new_src_port, mangled | 2) < 0
	    || bpf_l4_csum_replace(skb, udp_off + UDP_CSUM_REL, dport, v->new_dst_port, mangled | 2) < 0
	    || bpf_skb_store_bytes(skb, udp_off, &v->new_src_port, 2, 0) < 0
	    || bpf_skb_store_bytes(skb, udp_off + 2, &v->new_dst_port, 2, 0) < 0) {
		return -1;
	}
	return 0;
}

static __always_inline int relay4(struct __sk_buff *skb, void *data, void *data_end)
{
	struct iphdr *ip = data + IP4_OFF;
	struct udphdr *udp = data + UDP4_OFF;
	__u8 *first = data + UDP4_OFF + sizeof(struct udphdr);
	struct relay_key key = {};
	struct relay_value *v;
	__be32 saddr, daddr, new_saddr, new_daddr;
	__be16 sport, dport, old_word, new_word;
	struct bpf_fib_lookup fib = {};
	__u16 l3_len, udp_len;
	__u8 src[16];

	if ((void *) (ip + 1) > data_end || ip->protocol != IPPROTO_UDP) {
		return TC_ACT_OK;
	}
	if (ip->ihl != 5 || (ip->frag_off & bpf_htons(0x3fff)) != 0) {
		return count(STAT_PASS_UNSUPPORTED, TC_ACT_OK);
	}
	if ((void *) (first + 1) > data_end) {
		return TC_ACT_OK;
	}
	mapped4(key.addr, ip->daddr);
	key.port = udp->dest;
	v = bpf_map_lookup_elem(&relay_streams, &key);
	if (!v) {
		return count(STAT_PASS_NO_ENTRY, TC_ACT_OK);
	}
	mapped4(src, ip->saddr);
	if (udp->source != v->src_port || !same16(src, v->src_addr)) {
		return count(STAT_PASS_FOREIGN_SOURCE, TC_ACT_OK);
	}
	if (*first < RTP_FIRST_MIN || *first > RTP_FIRST_MAX) {
		return count(STAT_PASS_NOT_RTP, TC_ACT_OK);
	}
	saddr = ip->saddr;
	daddr = ip->daddr;
	sport = udp->source;
	dport = udp->dest;
	l3_len = bpf_ntohs(ip->tot_len);
	udp_len = bpf_ntohs(udp->len);
	if (udp_len <= sizeof(struct udphdr) || udp_len + sizeof(struct iphdr) > l3_len) {
		/* a malformed length: the stack drops it, the kernel path must not forward it */
		return count(STAT_PASS_UNSUPPORTED, TC_ACT_OK);
	}
	new_saddr = word3(v->new_src_addr);
	new_daddr = word3(v->new_dst_addr);
	if (route(skb, v, AF_INET, l3_len, &fib) < 0) {
		return count(STAT_PASS_NO_ROUTE, TC_ACT_OK);
	}
	/* every helper below may move the packet: from here on, offsets only */
	if (bpf_l4_csum_replace(skb, UDP4_OFF + UDP_CSUM_REL, saddr, new_saddr,
				BPF_F_PSEUDO_HDR | BPF_F_MARK_MANGLED_0 | 4) < 0
	    || bpf_l4_csum_replace(skb, UDP4_OFF + UDP_CSUM_REL, daddr, new_daddr,
				   BPF_F_PSEUDO_HDR | BPF_F_MARK_MANGLED_0 | 4) < 0
	    || ports_and_udp_csum(skb, UDP4_OFF, sport, dport, v, 1) < 0
	    || bpf_l3_csum_replace(skb, IP4_CSUM_OFF, saddr, new_saddr, 4) < 0
	    || bpf_l3_csum_replace(skb, IP4_CSUM_OFF, daddr, new_daddr, 4) < 0
	    || bpf_skb_store_bytes(skb, IP4_SADDR_OFF, &new_saddr, 4, 0) < 0
	    || bpf_skb_store_bytes(skb, IP4_SADDR_OFF + 4, &new_daddr, 4, 0) < 0) {
		return count(STAT_DROP_REWRITE, TC_ACT_SHOT);
	}
	/* version/IHL + TOS, and TTL + protocol: two 16-bit words of the header checksum */
	if (bpf_skb_load_bytes(skb, IP4_OFF, &old_word, 2) < 0) {
		return count(STAT_DROP_REWRITE, TC_ACT_SHOT);
	}
	new_word = bpf_htons((bpf_ntohs(old_word) & 0xff00) | v->tos);
	if (bpf_l3_csum_replace(skb, IP4_CSUM_OFF, old_word, new_word, 2) < 0
	    || bpf_skb_store_bytes(skb, IP4_OFF, &new_word, 2, 0) < 0
	    || bpf_skb_load_bytes(skb, IP4_OFF + 8, &old_word, 2) < 0) {
		return count(STAT_DROP_REWRITE, TC_ACT_SHOT);
	}
	new_word = bpf_htons(((__u16) v->ttl << 8) | IPPROTO_UDP);
	if (bpf_l3_csum_replace(skb, IP4_CSUM_OFF, old_word, new_word, 2) < 0
	    || bpf_skb_store_bytes(skb, IP4_OFF + 8, &new_word, 2, 0) < 0) {
		return count(STAT_DROP_REWRITE, TC_ACT_SHOT);
	}
	return counted_redirect(skb, v, &fib, udp_len - sizeof(struct udphdr));
}

static __always_inline int relay6(struct __sk_buff *skb, void *data, void *data_end)
{
	struct ipv6hdr *ip = data + IP6_OFF;
	struct udphdr *udp = data + UDP6_OFF;
	__u8 *first = data + UDP6_OFF + sizeof(struct udphdr);
	struct relay_key key = {};
	struct relay_value *v;
	__u32 old_addr[8], new_addr[8];
	__be16 sport, dport;
	__be32 old_word, new_word;
	struct bpf_fib_lookup fib = {};
	__u16 udp_len;
	int i;

	if ((void *) (ip + 1) > data_end || ip->nexthdr != IPPROTO_UDP) {
		return TC_ACT_OK;
	}
	if ((void *) (first + 1) > data_end) {
		return TC_ACT_OK;
	}
	__builtin_memcpy(key.addr, &ip->daddr, 16);
	key.port = udp->dest;
	v = bpf_map_lookup_elem(&relay_streams, &key);
	if (!v) {
		return count(STAT_PASS_NO_ENTRY, TC_ACT_OK);
	}
	if (udp->source != v->src_port || !same16((const __u8 *) &ip->saddr, v->src_addr)) {
		return count(STAT_PASS_FOREIGN_SOURCE, TC_ACT_OK);
	}
	if (*first < RTP_FIRST_MIN || *first > RTP_FIRST_MAX) {
		return count(STAT_PASS_NOT_RTP, TC_ACT_OK);
	}
	__builtin_memcpy(old_addr, &ip->saddr, 32);
	__builtin_memcpy(new_addr, v->new_src_addr, 16);
	__builtin_memcpy(&new_addr[4], v->new_dst_addr, 16);
	sport = udp->source;
	dport = udp->dest;
	udp_len = bpf_ntohs(udp->len);
	if (udp_len <= sizeof(struct udphdr) || udp_len != bpf_ntohs(ip->payload_len)) {
		return count(STAT_PASS_UNSUPPORTED, TC_ACT_OK);
	}
	old_word = *(__be32 *) ip;
	/* version 6, the entry's traffic class, the sender's flow label */
	new_word = bpf_htonl((bpf_ntohl(old_word) & 0xf00fffff) | ((__u32) v->tos << 20));
	if (route(skb, v, AF_INET6, udp_len + sizeof(struct ipv6hdr), &fib) < 0) {
		return count(STAT_PASS_NO_ROUTE, TC_ACT_OK);
	}
#pragma unroll
	for (i = 0; i < 8; i++) {
		if (bpf_l4_csum_replace(skb, UDP6_OFF + UDP_CSUM_REL, old_addr[i], new_addr[i],
					BPF_F_PSEUDO_HDR | 4) < 0) {
			return count(STAT_DROP_REWRITE, TC_ACT_SHOT);
		}
	}
	if (ports_and_udp_csum(skb, UDP6_OFF, sport, dport, v, 0) < 0
	    || bpf_skb_store_bytes(skb, IP6_SADDR_OFF, new_addr, 32, 0) < 0
	    || bpf_skb_store_bytes(skb, IP6_OFF, &new_word, 4, 0) < 0
	    || bpf_skb_store_bytes(skb, IP6_OFF + 7, &v->ttl, 1, 0) < 0) {
		return count(STAT_DROP_REWRITE, TC_ACT_SHOT);
	}
	return counted_redirect(skb, v, &fib, udp_len - sizeof(struct udphdr));
}

SEC("tc")
int relay_ingress(struct __sk_buff *skb)
{
	void *data = (void *) (long) skb->data;
	void *data_end = (void *) (long) skb->data_end;
	struct ethhdr *eth = data;

	if ((void *) (eth + 1) > data_end) {
		return TC_ACT_OK;
	}
	if (eth->h_proto == bpf_htons(ETH_P_IP)) {
		return relay4(skb, data, data_end);
	}
	if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
		return relay6(skb, data, data_end);
	}
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
