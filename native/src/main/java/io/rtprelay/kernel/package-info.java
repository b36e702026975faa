/**
 * Linux fast paths that Netty does not give: the in-kernel forwarding of established streams,
 * programmed through the FFM API.
 */
package io.rtprelay.kernel;
