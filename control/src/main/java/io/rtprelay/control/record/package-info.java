/**
 * Call recording on the control plane, rtpengine's {@code recording-method=pcap}: the {@code start recording},
 * {@code stop recording} and {@code pause recording} commands and the {@code record call} key of offer and answer
 * start and stop a {@link io.rtprelay.control.record.CallRecording} through the
 * {@link io.rtprelay.control.record.CallRecorder}, which writes rtpengine's metadata file and attaches the relay's
 * recording taps (relay/record) to the call's streams; the pcap itself is written by the relay's writer thread.
 */
package io.rtprelay.control.record;
