package io.rtprelay.control.call;

import io.rtprelay.control.ng.NgCommandHandler;
import io.rtprelay.control.ng.NgException;

import java.util.List;

/**
 * {@code play media}, {@code stop media} and {@code play DTMF} need a media player (decoding files, encoding into
 * the call's codec), which this relay does not have. rtpengine built without one (without transcoding) answers each
 * of them, whatever the request holds, with {@value #UNSUPPORTED} (docs/ng_control_protocol.md: "Only available if
 * compiled with transcoding support"); so does this relay. Debian's rtpengine has a player, and so answers
 * differently (README, "Where we differ").
 */
public final class MediaPlayerCommands {
    /** rtpengine's reason, from a build without a media player, for every request of these commands. */
    public static final String UNSUPPORTED = "unsupported";
    /** The commands, as rtpengine's docs spell them. */
    public static final List<String> COMMANDS = List.of("play media", "stop media", "play DTMF");

    private MediaPlayerCommands() {
    }

    /** @return the handler of each of {@link #COMMANDS}: refuses with {@value #UNSUPPORTED}. */
    public static NgCommandHandler handler() {
        return request -> {
            throw new NgException(UNSUPPORTED);
        };
    }
}
