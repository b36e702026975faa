/**
 * The block-level crypto under {@link io.rtprelay.srtp.SrtpContext}: AES counter-mode and f8-mode keystreams on the
 * JDK's hardware-accelerated AES (one ECB cipher per key, initialised once), HMAC-SHA1 on the JDK's SHA-1 digest,
 * and the GHASH of AES-GCM, all without allocation per packet. The JDK's own CTR, GCM and Mac objects are not used
 * per packet because re-keying their IV ({@code Cipher.init}) and {@code Mac.doFinal} allocate.
 */
package io.rtprelay.srtp.cipher;
