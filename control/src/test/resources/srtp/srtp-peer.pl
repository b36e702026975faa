#!/usr/bin/perl
# An SRTP endpoint for tests, built on rtpengine-utils' NGCP::Rtpclient::SRTP (an implementation independent of ours):
# its key derivation (RFC 3711 4.3), AES-CM / AES-f8 keystreams and IVs and HMAC-SHA1. The rollover counter and the
# SRTCP index are the caller's, so nothing here guesses them. One request per line on stdin, one reply per line:
#   rtp-protect    SUITE KEY ROC HEX      -> ok HEX
#   rtp-unprotect  SUITE KEY ROC HEX      -> ok HEX | auth-failed
#   rtcp-protect   SUITE KEY INDEX HEX    -> ok HEX
#   rtcp-unprotect SUITE KEY HEX          -> ok INDEX HEX | auth-failed
# SUITE is an SDES name, KEY the base64 master key and salt of an a=crypto line, HEX a whole packet.
use strict;
use warnings;
use NGCP::Rtpclient::SRTP;
use Digest::SHA qw(hmac_sha1);

$| = 1;
my %keys;

sub session {
	my ($suite_name, $b64) = @_;
	my $k = "$suite_name $b64";
	return $keys{$k} if $keys{$k};
	my $suite = $NGCP::Rtpclient::SRTP::crypto_suites{$suite_name} or die "unknown suite $suite_name\n";
	my ($mk, $ms) = NGCP::Rtpclient::SRTP::decode_inline_base64($b64, $suite);
	my %s = (suite => $suite);
	@s{qw(key auth salt)} = NGCP::Rtpclient::SRTP::gen_rtp_session_keys($mk, $ms);
	@s{qw(rtcp_key rtcp_auth rtcp_salt)} = NGCP::Rtpclient::SRTP::gen_rtcp_session_keys($mk, $ms);
	return $keys{$k} = \%s;
}

sub rtp_header_length {
	my ($p) = @_;
	my ($b0) = unpack('C', $p);
	my $len = 12 + 4 * ($b0 & 0x0f);
	if ($b0 & 0x10) {
		my ($ext_words) = unpack('n', substr($p, $len + 2, 2));
		$len += 4 + 4 * $ext_words;
	}
	return $len;
}

sub rtp_crypt {
	my ($s, $roc, $p) = @_;
	my $h = rtp_header_length($p);
	my $iv = $s->{suite}{iv_rtp}->($p, $s->{salt}, $roc);
	return substr($p, 0, $h) . $s->{suite}{enc_func}->(substr($p, $h), $s->{key}, $iv, $s->{salt});
}

while (my $line = <STDIN>) {
	chomp($line);
	my @f = split(/ /, $line);
	my $cmd = shift(@f);
	if ($cmd eq 'rtp-protect') {
		my ($suite, $b64, $roc, $hex) = @f;
		my $s = session($suite, $b64);
		my $p = rtp_crypt($s, $roc, pack('H*', $hex));
		my $tag = substr(hmac_sha1($p . pack('N', $roc), $s->{auth}), 0, $s->{suite}{auth_tag});
		print('ok ' . unpack('H*', $p . $tag) . "\n");
	}
	elsif ($cmd eq 'rtp-unprotect') {
		my ($suite, $b64, $roc, $hex) = @f;
		my $s = session($suite, $b64);
		my $p = pack('H*', $hex);
		my $n = $s->{suite}{auth_tag};
		my $tag = substr($p, -$n);
		$p = substr($p, 0, length($p) - $n);
		if (substr(hmac_sha1($p . pack('N', $roc), $s->{auth}), 0, $n) ne $tag) {
			print("auth-failed\n");
			next;
		}
		print('ok ' . unpack('H*', rtp_crypt($s, $roc, $p)) . "\n");
	}
	elsif ($cmd eq 'rtcp-protect') {
		my ($suite, $b64, $idx, $hex) = @f;
		my $s = session($suite, $b64);
		my ($p) = NGCP::Rtpclient::SRTP::encrypt_rtcp($s->{suite}, $s->{rtcp_key}, $s->{rtcp_salt},
			$s->{rtcp_auth}, $idx, '', 0, 0, pack('H*', $hex));
		print('ok ' . unpack('H*', $p) . "\n");
	}
	elsif ($cmd eq 'rtcp-unprotect') {
		my ($suite, $b64, $hex) = @f;
		my $s = session($suite, $b64);
		my ($p, $idx, $tag, $hmac) = NGCP::Rtpclient::SRTP::decrypt_rtcp($s->{suite}, $s->{rtcp_key},
			$s->{rtcp_salt}, $s->{rtcp_auth}, pack('H*', $hex));
		if (substr($hmac, 0, 10) ne $tag) {
			print("auth-failed\n");
			next;
		}
		print("ok $idx " . unpack('H*', $p) . "\n");
	}
	else {
		print("error unknown command $cmd\n");
	}
}
