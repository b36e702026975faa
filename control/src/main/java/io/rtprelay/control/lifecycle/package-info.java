/**
 * Start and stop: {@link io.rtprelay.control.lifecycle.RelayDaemon} reads the configuration, starts the media plane,
 * the call conductor, the ng server, the timeout sweeper and the NATS announcer, and takes them down in the reverse
 * order; {@link io.rtprelay.control.lifecycle.DrainController} stops new calls on SIGTERM (or a NATS or HTTP
 * request), lets the live ones finish and then ends the process.
 */
package io.rtprelay.control.lifecycle;
