/**
 * HTTP beside the ng protocol, off the media event loops: rtpengine's {@code listen-http} endpoint with
 * {@code /ping} and Prometheus {@code /metrics} under rtpengine's metric names, plus the Kubernetes probes
 * {@code /healthz} and {@code /readyz} and {@code POST /drain}; and the probe client the container uses for its
 * healthcheck and preStop hook.
 */
package io.rtprelay.control.http;
