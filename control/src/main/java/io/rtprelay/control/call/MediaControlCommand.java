package io.rtprelay.control.call;

import io.rtprelay.relay.stream.MediaControl;

/**
 * The ng commands that switch something on or off for the media a party sends, as rtpengine 10.5 names them: the
 * block/silence/DTMF family (each an action on the party's RTP, see {@link MediaControl}) and PCM forwarding, which
 * needs rtpengine's recording daemon: without one rtpengine answers ok and changes nothing, and so do we.
 */
public enum MediaControlCommand {
    /** Drop the selected party's (or the call's) RTP other than telephone-events. */
    BLOCK_MEDIA("block media", MediaControl.BLOCK_MEDIA, true),
    /** Undo {@link #BLOCK_MEDIA}. */
    UNBLOCK_MEDIA("unblock media", MediaControl.BLOCK_MEDIA, false),
    /** Replace the selected party's (or the call's) G.711/G.722 payloads by silence. */
    SILENCE_MEDIA("silence media", MediaControl.SILENCE_MEDIA, true),
    /** Undo {@link #SILENCE_MEDIA}. */
    UNSILENCE_MEDIA("unsilence media", MediaControl.SILENCE_MEDIA, false),
    /** Drop the selected party's (or the call's) RFC 4733 telephone-events. */
    BLOCK_DTMF("block DTMF", MediaControl.BLOCK_DTMF, true),
    /** Undo {@link #BLOCK_DTMF}. */
    UNBLOCK_DTMF("unblock DTMF", MediaControl.BLOCK_DTMF, false),
    /** PCM forwarding to rtpengine's recording daemon: none is configured, so nothing is forwarded. */
    START_FORWARDING("start forwarding", 0, true),
    /** Undo {@link #START_FORWARDING}. */
    STOP_FORWARDING("stop forwarding", 0, false);

    private final String ngName;
    private final int action;
    private final boolean on;

    MediaControlCommand(final String ngName, final int action, final boolean on) {
        this.ngName = ngName;
        this.action = action;
        this.on = on;
    }

    /** @return the command as rtpengine's docs spell it, e.g. {@code "block DTMF"}. */
    public String ngName() {
        return ngName;
    }

    /** @return the {@link MediaControl} action it switches, 0 for none. */
    int action() {
        return action;
    }

    /** @return true to switch the action on, false to switch it off. */
    boolean on() {
        return on;
    }
}
