/**
 * Capacity: what the relay has room for, sampled off the data plane ({@link io.rtprelay.control.capacity
 * .CapacitySampler} reads the call registry, the port pool and the media counters), and its announcement on NATS
 * ({@link io.rtprelay.control.capacity.NatsAnnouncer}: periodic and on every change of state, plus a NATS micro
 * service for discovery, capacity requests and the drain), so the SIP layer and the autoscaler know where room is.
 */
package io.rtprelay.control.capacity;
