/**
 * The ng control protocol as rtpengine speaks it: {@code cookie SP bencode-dictionary} datagrams in and out.
 * Requests arrive at the {@code NgServer}, are decoded by {@link io.rtprelay.control.ng.Bencode}, answered from the
 * reply cache when the cookie was seen before, and dispatched to one command handler; every failure becomes a
 * {@code result: error} reply.
 */
package io.rtprelay.control.ng;
