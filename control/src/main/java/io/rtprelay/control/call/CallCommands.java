package io.rtprelay.control.call;

import io.rtprelay.control.ng.NgCommandAdapter;

/**
 * Registers the ng commands that act on a call's media: the {@link MediaControlCommand}s, the media player's
 * ({@link MediaPlayerCommands}: refused as rtpengine without a player refuses them) and the subscription commands
 * ({@link CallSubscriptions}). One place, so the daemon and the fuzz targets register them alike.
 */
public final class CallCommands {
    private CallCommands() {
    }

    /**
     * @param adapter   where to register them.
     * @param conductor the calls they act on.
     */
    public static void registerMediaCommands(final NgCommandAdapter adapter, final CallConductor conductor) {
        for (final MediaControlCommand command : MediaControlCommand.values()) {
            adapter.register(command.ngName(), request -> conductor.mediaControl(command, request));
        }
        for (final String command : MediaPlayerCommands.COMMANDS) {
            adapter.register(command, MediaPlayerCommands.handler());
        }
        adapter.register("subscribe request", conductor::subscribeRequest);
        adapter.register("subscribe answer", conductor::subscribeAnswer);
        adapter.register("unsubscribe", conductor::unsubscribe);
    }
}
