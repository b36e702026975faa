package io.rtprelay.control.cli;

/**
 * One parsed CLI line: what {@link CliParser} made of it, for {@link CliCommandAdapter} to run. Immutable.
 */
public sealed interface CliCommand {
    /** The answer is known without looking at the relay: an error, a help text, a refused value. */
    record Reply(String text) implements CliCommand {
    }

    /** {@code list numsessions}. */
    record NumSessions() implements CliCommand {
    }

    /** {@code list maxsessions}. */
    record MaxSessions() implements CliCommand {
    }

    /** {@code list sessions all|own|foreign}. */
    record Sessions(Scope scope) implements CliCommand {
    }

    /** {@code list sessions CALLID}. */
    record Session(String callId) implements CliCommand {
    }

    /** {@code list totals}. */
    record Totals() implements CliCommand {
    }

    /** {@code list counters}. */
    record Counters() implements CliCommand {
    }

    /** {@code list interfaces}. */
    record Interfaces() implements CliCommand {
    }

    /** {@code list timeout|silenttimeout|finaltimeout|deletedelay}. */
    record ShowValue(Value value) implements CliCommand {
    }

    /** {@code set maxsessions N}, N already checked (-1 or more). */
    record SetMaxSessions(long limit) implements CliCommand {
    }

    /** {@code set timeout|silenttimeout|finaltimeout N}, N already checked. */
    record SetTimeout(Value which, long seconds) implements CliCommand {
    }

    /** {@code terminate CALLID}. */
    record Terminate(String callId) implements CliCommand {
    }

    /** {@code terminate all|own|foreign}. */
    record TerminateAll(Scope scope) implements CliCommand {
    }

    /** {@code params start|current|diff|revert}. */
    record Params(ParamsMode mode) implements CliCommand {
    }

    /** Which calls: this relay has no foreign (redis-replicated) calls, so own is all and foreign is none. */
    enum Scope { ALL, OWN, FOREIGN }

    /** A value {@code list} shows. */
    enum Value { TIMEOUT, SILENT_TIMEOUT, FINAL_TIMEOUT, DELETE_DELAY }

    /** What {@code params} does. */
    enum ParamsMode { START, CURRENT, DIFF, REVERT }
}
