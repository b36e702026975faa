/**
 * The ng control protocol as rtpengine speaks it: {@code cookie SP bencode-dictionary} datagrams in and out.
 * {@link io.rtprelay.control.ng.NgServer} receives them (one socket per listen address, wildcards expanded so a
 * reply always leaves from the address it was sent to) and hands them to one control thread, where
 * {@link io.rtprelay.control.ng.NgCommandAdapter} answers retransmissions from the
 * {@link io.rtprelay.control.ng.ReplyCache}, decodes with {@link io.rtprelay.control.ng.Bencode} (as leniently as
 * rtpengine), wraps the dictionary in an {@link io.rtprelay.control.ng.NgRequest} and dispatches it to the
 * {@link io.rtprelay.control.ng.NgCommandHandler} registered for its command. Every failure becomes rtpengine's
 * {@code result: error} reply; a refusal is an {@link io.rtprelay.control.ng.NgException}.
 */
package io.rtprelay.control.ng;
