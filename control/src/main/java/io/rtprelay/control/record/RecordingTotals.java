package io.rtprelay.control.record;

/**
 * Call recording since start, for {@code /metrics}: read under the call conductor's lock.
 *
 * @param active   calls being recorded now.
 * @param recorded packets copied into the recording ring, ended recordings included.
 * @param dropped  packets not recorded because the ring was full.
 */
public record RecordingTotals(int active, long recorded, long dropped) {
}
