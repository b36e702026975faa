/**
 * Where packets enter and leave the process: the choice of Netty transport (epoll, else io_uring, else NIO, probed
 * once at start) and the pool of even/odd UDP port pairs that media sockets bind.
 *
 * <p>Nothing here touches a packet; the types are used by the control thread when it opens sockets and by the event
 * loops when a closed socket returns its ports.
 */
package io.rtprelay.relay.transport;
