/**
 * Start and stop: {@link io.rtprelay.control.lifecycle.RelayDaemon} reads the configuration, starts the media plane,
 * the call conductor, the ng server and the timeout sweeper, and takes them down in the reverse order.
 */
package io.rtprelay.control.lifecycle;
