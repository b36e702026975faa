/**
 * Test kit of the data plane: plain UDP endpoints on loopback, free port ranges, polling with deadlines, and the
 * check that no Netty buffer leaked.
 */
package io.rtprelay.relay.testkit;
