/**
 * rtpengine's CLI ({@code listen-cli}): a TCP endpoint off the ng and media threads that takes one text command a
 * connection, as Debian's {@code rtpengine-ctl} sends it, and answers in rtpengine's text. {@code CliServer} reads
 * the line, {@code CliParser} turns it into a {@code CliCommand} (pure, fuzzed), {@code CliCommandAdapter} runs it
 * against the call conductor (snapshots taken under its lock, formatted after) and is the one place errors are
 * caught; {@code CliText} writes rtpengine's layouts.
 */
package io.rtprelay.control.cli;
