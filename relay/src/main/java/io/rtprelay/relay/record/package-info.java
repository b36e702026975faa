/**
 * Call recording, rtpengine's {@code recording-method=pcap}: a {@link io.rtprelay.relay.record.RecordingTap} on a
 * stream copies each forwarded packet into one bounded lock-free ring (Agrona's {@code ManyToOneRingBuffer}, every
 * event loop a producer) and counts what does not fit; the {@link io.rtprelay.relay.record.PcapWriterAgent}, on its
 * own thread, drains the ring into one pcap file per recording ({@link io.rtprelay.relay.record.PcapFormat}). The
 * {@link io.rtprelay.relay.record.PacketRecorder} opens and closes recordings for the control plane.
 *
 * <p>Data flow: {@code Forwarder.onPacket} → {@code RecordingTap.onPacket} (copy into the ring, never blocks) →
 * ring → {@code PcapWriterAgent} (file writes, off the event loops).
 */
package io.rtprelay.relay.record;
