#!/usr/bin/perl
# An SRTP endpoint for tests, built on rtpengine-utils' NGCP::Rtpclient::SRTP (an implementation independent of ours):
# its key derivation (RFC 3711 4.3), AES-CM / AES-f8 keystreams and IVs and HMAC-SHA1. The rollover counter and the
# SRTCP index are the caller's, so nothing here guesses them. One request per line on stdin, one reply per line:
#   rtp-protect    SUITE KEY ROC HEX [MKI]    -> ok HEX
#   rtp-unprotect  SUITE KEY ROC HEX [MKI]    -> ok HEX | auth-failed | bad-mki
#   rtcp-protect   SUITE KEY INDEX HEX [MKI]  -> ok HEX
#   rtcp-unprotect SUITE KEY HEX [MKI]        -> ok INDEX HEX | auth-failed | bad-mki
# SUITE is an SDES name, KEY the base64 master key and salt of an a=crypto line, HEX a whole packet, MKI the
# VALUE:LENGTH of the a=crypto line's key parameter (RFC 4568 6.1): protect appends it with the module's append_mki,
# unprotect (which the module does without MKI) expects it there and takes it out before the module's own steps.
# The module lists F8_128_HMAC_SHA1_80 but not rtpengine's F8_128_HMAC_SHA1_32; that one is added here as the same
# transform with the 32-bit SRTP tag (SRTCP keeps the 80-bit tag, as the module does for every suite).
use strict;
use warnings;
use NGCP::Rtpclient::SRTP;
use Digest::SHA qw(hmac_sha1);

$| = 1;
my %keys;

$NGCP::Rtpclient::SRTP::crypto_suites{F8_128_HMAC_SHA1_32} //= {
	%{$NGCP::Rtpclient::SRTP::crypto_suites{F8_128_HMAC_SHA1_80}},
	str => 'F8_128_HMAC_SHA1_32',
	auth_tag => 4,
};

# the MKI field of VALUE:LENGTH as the module writes it, or '' without
sub mki_field {
	my ($mki) = @_;
	defined($mki) or return '';
	my ($value, $len) = split(/:/, $mki);
	my $field = '';
	NGCP::Rtpclient::SRTP::append_mki(\$field, $len, $value);
	return $field;
}

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
		my ($suite, $b64, $roc, $hex, $mki) = @f;
		my $s = session($suite, $b64);
		my $p = rtp_crypt($s, $roc, pack('H*', $hex));
		my $tag = substr(hmac_sha1($p . pack('N', $roc), $s->{auth}), 0, $s->{suite}{auth_tag});
		print('ok ' . unpack('H*', $p . mki_field($mki) . $tag) . "\n");
	}
	elsif ($cmd eq 'rtp-unprotect') {
		my ($suite, $b64, $roc, $hex, $mki) = @f;
		my $s = session($suite, $b64);
		my $p = pack('H*', $hex);
		my $n = $s->{suite}{auth_tag};
		my $tag = substr($p, -$n);
		$p = substr($p, 0, length($p) - $n);
		my $field = mki_field($mki);
		if (substr($p, length($p) - length($field)) ne $field) {
			print("bad-mki\n");
			next;
		}
		$p = substr($p, 0, length($p) - length($field));
		if (substr(hmac_sha1($p . pack('N', $roc), $s->{auth}), 0, $n) ne $tag) {
			print("auth-failed\n");
			next;
		}
		print('ok ' . unpack('H*', rtp_crypt($s, $roc, $p)) . "\n");
	}
	elsif ($cmd eq 'rtcp-protect') {
		my ($suite, $b64, $idx, $hex, $mki) = @f;
		my $s = session($suite, $b64);
		my ($value, $len) = defined($mki) ? split(/:/, $mki) : ('', 0);
		my ($p) = NGCP::Rtpclient::SRTP::encrypt_rtcp($s->{suite}, $s->{rtcp_key}, $s->{rtcp_salt},
			$s->{rtcp_auth}, $idx, $value, $len, 0, pack('H*', $hex));
		print('ok ' . unpack('H*', $p) . "\n");
	}
	elsif ($cmd eq 'rtcp-unprotect') {
		my ($suite, $b64, $hex, $mki) = @f;
		my $s = session($suite, $b64);
		my $packet = pack('H*', $hex);
		my $field = mki_field($mki);
		# E || index || MKI || tag (RFC 3711 3.4): the module reads the index right before the 10-byte tag
		my $at = length($packet) - 10 - length($field);
		if (substr($packet, $at, length($field)) ne $field) {
			print("bad-mki\n");
			next;
		}
		substr($packet, $at, length($field), '');
		my ($p, $idx, $tag, $hmac) = NGCP::Rtpclient::SRTP::decrypt_rtcp($s->{suite}, $s->{rtcp_key},
			$s->{rtcp_salt}, $s->{rtcp_auth}, $packet);
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
